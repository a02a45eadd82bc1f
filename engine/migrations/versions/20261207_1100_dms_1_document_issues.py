"""dms: result documents numbered and signed by the document-management system

Revision ID: dms_1
Revises: dvcqg_1
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "dms_1"
down_revision = "dvcqg_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_document_issues_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox.id"],
            name=op.f("fk_document_issues_outbox_message_id_outbox"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_issues")),
        sa.UniqueConstraint("outbox_message_id", name=op.f("uq_document_issues_outbox_message_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_document_issues_reference")),
    )
    op.create_index(
        op.f("ix_document_issues_dossier_id"), "document_issues", ["dossier_id"], unique=False
    )
    op.create_index(
        "ix_document_issues_state_checked",
        "document_issues",
        ["state", "checked_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_document_issues_state_checked", table_name="document_issues")
    op.drop_index(op.f("ix_document_issues_dossier_id"), table_name="document_issues")
    op.drop_table("document_issues")
