"""portal: rate-limit counters shared by every web process

Revision ID: portal_2
Revises: orgs_1
Create Date: 2026-12-02 09:00:00

The public lookup's limit was kept in each process's memory; this table holds one counter per
(scope, client, fixed window), incremented by an atomic upsert (engine/rate_limits/counters.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "portal_2"
down_revision = "orgs_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counters",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "scope", "key", "window_start", name=op.f("pk_rate_limit_counters")
        ),
    )
    op.create_index(
        "ix_rate_limit_counters_window", "rate_limit_counters", ["window_start"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counters_window", table_name="rate_limit_counters")
    op.drop_table("rate_limit_counters")
