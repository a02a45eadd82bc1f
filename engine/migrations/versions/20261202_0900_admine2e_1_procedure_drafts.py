"""admine2e: procedure drafts (an uploaded, validated package waiting to be published)

Revision ID: admine2e_1
Revises: inbox_1
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "admine2e_1"
down_revision = "inbox_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "procedure_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("agency_id", sa.Integer(), sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_procedure_drafts_code", "procedure_drafts", ["code"])


def downgrade() -> None:
    op.drop_index("ix_procedure_drafts_code", table_name="procedure_drafts")
    op.drop_table("procedure_drafts")
