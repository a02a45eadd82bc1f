"""signing: the signature on a dossier document (result files, the applicant's form)

Revision ID: signing_1
Revises: notify_1
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "signing_1"
down_revision = "notify_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("original_file_id", sa.Integer(), nullable=False),
        sa.Column("signed_file_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("signer_user_id", sa.Integer(), nullable=True),
        sa.Column("transaction_id", sa.String(length=100), nullable=True),
        sa.Column("signer", sa.String(length=255), nullable=True),
        sa.Column("certificate_serial", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_document_signatures_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["dossier_documents.id"],
            name=op.f("fk_document_signatures_document_id_dossier_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["original_file_id"],
            ["stored_files.id"],
            name=op.f("fk_document_signatures_original_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_file_id"],
            ["stored_files.id"],
            name=op.f("fk_document_signatures_signed_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_user_id"],
            ["users.id"],
            name=op.f("fk_document_signatures_signer_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_signatures")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_document_signatures_transaction_id")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_signatures_document_id")),
    )
    op.create_index(
        op.f("ix_document_signatures_dossier_id"),
        "document_signatures",
        ["dossier_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_signatures_dossier_id"), table_name="document_signatures")
    op.drop_table("document_signatures")
