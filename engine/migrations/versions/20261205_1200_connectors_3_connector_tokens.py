"""connectors: the OAuth tokens a connector rotates (Zalo OA access and refresh tokens)

Revision ID: connectors_3
Revises: connectors_2
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "connectors_3"
down_revision = "connectors_2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_tokens")),
        sa.UniqueConstraint("provider", name=op.f("uq_connector_tokens_provider")),
    )


def downgrade() -> None:
    op.drop_table("connector_tokens")
