"""dossier_agencies (liên thông, phối hợp access); tasks may be offered again after a reset

Revision ID: actions_1
Revises: 0001
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "actions_1"
down_revision = "portal_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dossier_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_dossier_agencies_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_agencies_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_agencies")),
        sa.UniqueConstraint(
            "dossier_id", "agency_id", name=op.f("uq_dossier_agencies_dossier_id_agency_id")
        ),
    )
    with op.batch_alter_table("dossier_agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_agencies_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dossier_agencies_dossier_id"), ["dossier_id"], unique=False
        )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tasks_spiff_task_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_tasks_spiff_task_id"), ["spiff_task_id"], unique=False)


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_spiff_task_id"))
        batch_op.create_unique_constraint(batch_op.f("uq_tasks_spiff_task_id"), ["spiff_task_id"])
    with op.batch_alter_table("dossier_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_agencies_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_dossier_agencies_agency_id"))
    op.drop_table("dossier_agencies")
