"""postal: the post office's pick-up of a dossier and delivery of its result

Revision ID: postal_1
Revises: dms_1
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "postal_1"
down_revision = "dms_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postal_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("postage", sa.Integer(), nullable=False),
        sa.Column("order_code", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_postal_shipments_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_shipments")),
        sa.UniqueConstraint(
            "dossier_id", "direction", name=op.f("uq_postal_shipments_dossier_id_direction")
        ),
        sa.UniqueConstraint("order_code", name=op.f("uq_postal_shipments_order_code")),
    )
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("posted_in_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("posted_in_at")
    op.drop_table("postal_shipments")
