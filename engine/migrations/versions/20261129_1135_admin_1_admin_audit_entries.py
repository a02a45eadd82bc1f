"""admin audit entries

Revision ID: admin_1
Revises: 0002
Create Date: 2026-11-29 11:35:48.406082
"""

import sqlalchemy as sa
from alembic import op

revision = "admin_1"
down_revision = "dossierpage_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admin_audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_admin_audit_entries_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit_entries")),
    )
    with op.batch_alter_table("admin_audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index("ix_admin_audit_entries_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_audit_entries_target"), ["target"], unique=False)


def downgrade():
    with op.batch_alter_table("admin_audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_audit_entries_target"))
        batch_op.drop_index("ix_admin_audit_entries_at")
        batch_op.drop_index(batch_op.f("ix_admin_audit_entries_action"))

    op.drop_table("admin_audit_entries")
