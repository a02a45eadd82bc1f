"""dossier components received at the counter

Revision ID: dossierpage_1
Revises: 0002
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "dossierpage_1"
down_revision = "accounts_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dossier_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document_code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("original", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_components_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["users.id"],
            name=op.f("fk_dossier_components_received_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_components")),
    )
    with op.batch_alter_table("dossier_components") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_components_dossier_id"), ["dossier_id"], unique=False
        )


def downgrade():
    op.drop_table("dossier_components")
