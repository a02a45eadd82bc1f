"""ops: agency reception cut-offs, worker heartbeats and connector settings

Revision ID: ops_1
Revises: portal_2
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "ops_1"
down_revision = "portal_2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_reception_cutoffs",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("cutoff", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_agency_reception_cutoffs_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agency_reception_cutoffs")),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker_id", sa.String(length=255), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeats")),
    )
    op.create_table(
        "connector_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("is_secret", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_settings")),
        sa.UniqueConstraint("provider", "key", name=op.f("uq_connector_settings_provider_key")),
    )


def downgrade() -> None:
    op.drop_table("connector_settings")
    op.drop_table("worker_heartbeats")
    op.drop_table("agency_reception_cutoffs")
