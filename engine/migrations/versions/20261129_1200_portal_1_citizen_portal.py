"""citizen portal: catalogue search columns, drafts, dossier documents, messages, ratings,
e-document store, notification reads

Revision ID: portal_1
Revises: 0002
Create Date: 2026-11-29 12:00:00
"""

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "portal_1"
down_revision = "stats_1"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    """Frozen copy of engine.procedures.catalogue_search.fold_diacritics at this revision."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9.]+", " ", plain).split())


def _fk(table: str, column: str, target: str):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade():
    with op.batch_alter_table("procedures") as batch_op:
        batch_op.add_column(
            sa.Column(
                "online_service_level", sa.String(length=20), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    procedures = sa.table(
        "procedures",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("field", sa.String),
        sa.column("record", sa.Text),
        sa.column("online_service_level", sa.String),
        sa.column("search_text", sa.Text),
    )
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(
            procedures.c.id,
            procedures.c.code,
            procedures.c.name,
            procedures.c.field,
            sa.cast(procedures.c.record, sa.Text),
        )
    ).all():
        record = json.loads(row[4] or "{}") if isinstance(row[4], str) else (row[4] or {})
        connection.execute(
            procedures.update()
            .where(procedures.c.id == row[0])
            .values(
                search_text=_fold(" ".join([row[1], row[2], row[3] or ""])),
                online_service_level=str(record.get("online_service_level") or ""),
            )
        )

    op.create_table(
        "dossier_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("dossier_drafts", "user_id", "users"),
        _fk("dossier_drafts", "procedure_id", "procedures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_drafts")),
        sa.UniqueConstraint(
            "user_id", "procedure_id", name=op.f("uq_dossier_drafts_user_id_procedure_id")
        ),
    )
    op.create_index(op.f("ix_dossier_drafts_user_id"), "dossier_drafts", ["user_id"])

    op.create_table(
        "dossier_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document_code", sa.String(length=80), nullable=False),
        sa.Column("document_name", sa.String(length=500), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("dossier_documents", "dossier_id", "dossiers"),
        _fk("dossier_documents", "stored_file_id", "stored_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_documents")),
    )
    op.create_index(op.f("ix_dossier_documents_dossier_id"), "dossier_documents", ["dossier_id"])

    op.create_table(
        "dossier_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("sender_user_id", sa.Integer(), nullable=True),
        sa.Column("sender_name", sa.String(length=255), nullable=False),
        sa.Column("from_applicant", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("dossier_messages", "dossier_id", "dossiers"),
        _fk("dossier_messages", "sender_user_id", "users"),
        _fk("dossier_messages", "stored_file_id", "stored_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_messages")),
    )
    op.create_index(op.f("ix_dossier_messages_dossier_id"), "dossier_messages", ["dossier_id"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ratings", "dossier_id", "dossiers"),
        _fk("ratings", "user_id", "users"),
        _fk("ratings", "agency_id", "agencies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_ratings_dossier_id")),
    )
    op.create_index(op.f("ix_ratings_agency_id"), "ratings", ["agency_id"])

    op.create_table(
        "rating_officers",
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _fk("rating_officers", "rating_id", "ratings"),
        _fk("rating_officers", "user_id", "users"),
        sa.PrimaryKeyConstraint("rating_id", "user_id", name=op.f("pk_rating_officers")),
    )
    op.create_index(op.f("ix_rating_officers_user_id"), "rating_officers", ["user_id"])

    op.create_table(
        "notification_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        _fk("notification_reads", "user_id", "users"),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox.id"],
            name=op.f("fk_notification_reads_outbox_message_id_outbox"),
        ),
        sa.PrimaryKeyConstraint("user_id", "outbox_message_id", name=op.f("pk_notification_reads")),
    )

    op.create_table(
        "personal_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("personal_documents", "user_id", "users"),
        _fk("personal_documents", "stored_file_id", "stored_files"),
        _fk("personal_documents", "dossier_id", "dossiers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_documents")),
    )
    op.create_index(op.f("ix_personal_documents_user_id"), "personal_documents", ["user_id"])


def downgrade():
    for table in (
        "personal_documents",
        "notification_reads",
        "rating_officers",
        "ratings",
        "dossier_messages",
        "dossier_documents",
        "dossier_drafts",
    ):
        op.drop_table(table)
    with op.batch_alter_table("procedures") as batch_op:
        batch_op.drop_column("search_text")
        batch_op.drop_column("online_service_level")
