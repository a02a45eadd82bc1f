"""stats: deadline extension requests (officer asks, leader approves or refuses); per-agency
statistics indexes and ratings by date (engine/statistics/indexes.py)

Revision ID: stats_2
Revises: ops_1
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "stats_2"
down_revision = "ops_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deadline_extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("new_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at_when_requested", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_name", sa.String(length=255), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=255), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("extension_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_deadline_extension_requests_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_deadline_extension_requests_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_deadline_extension_requests_dossier_id_dossiers"),
        ),
        sa.ForeignKeyConstraint(
            ["extension_id"],
            ["deadline_extensions.id"],
            name=op.f("fk_deadline_extension_requests_extension_id_deadline_extensions"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_deadline_extension_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extension_requests")),
    )
    with op.batch_alter_table("deadline_extension_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deadline_extension_requests_dossier_id"), ["dossier_id"], unique=False
        )
        batch_op.create_index(
            "ix_deadline_extension_requests_agency_state", ["agency_id", "state"], unique=False
        )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index("ix_dossiers_agency_received", ["agency_id", "received_at"])
        batch_op.create_index("ix_dossiers_agency_finished", ["agency_id", "finished_at"])
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index("ix_ratings_created_at", ["created_at"])


def downgrade():
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_created_at")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_agency_finished")
        batch_op.drop_index("ix_dossiers_agency_received")
    with op.batch_alter_table("deadline_extension_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_extension_requests_agency_state")
        batch_op.drop_index(batch_op.f("ix_deadline_extension_requests_dossier_id"))
    op.drop_table("deadline_extension_requests")
