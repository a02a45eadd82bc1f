"""dvcqg_1: national portal sync (ordered outbox rows, portal dossiers, catalogue changes)

Revision ID: dvcqg_1
Revises: signing_1
Create Date: 2026-12-06 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "dvcqg_1"
down_revision = "signing_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("ordering_key", sa.String(length=120), nullable=True))
        batch.create_index("ix_outbox_ordering", ["ordering_key", "id"])
    op.create_table(
        "portal_dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_code", sa.String(length=60), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_portal_dossiers_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_dossiers")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_portal_dossiers_dossier_id")),
        sa.UniqueConstraint("portal_code", name=op.f("uq_portal_dossiers_portal_code")),
    )
    op.create_table(
        "portal_procedure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_code", sa.String(length=40), nullable=False),
        sa.Column("portal_record", sa.JSON(), nullable=False),
        sa.Column("differences", sa.JSON(), nullable=False),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_portal_procedure_changes_accepted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_procedure_changes")),
        sa.UniqueConstraint(
            "procedure_code", name=op.f("uq_portal_procedure_changes_procedure_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("portal_procedure_changes")
    op.drop_table("portal_dossiers")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_ordering")
        batch.drop_column("ordering_key")
