"""notifications: editable notice templates, citizens' channels, officers' in-app notices

Revision ID: notify_1
Revises: security_1
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_1"
down_revision = "security_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_templates",
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("short_text", sa.String(length=500), nullable=False),
        sa.Column("zns_template_id", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_notice_templates_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("event", name=op.f("pk_notice_templates")),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("zalo", sa.Boolean(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "staff_notices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox.id"],
            name=op.f("fk_staff_notices_outbox_message_id_outbox"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_notices_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "outbox_message_id", name=op.f("pk_staff_notices")),
    )
    op.create_index(
        "ix_staff_notices_user_id_created_at", "staff_notices", ["user_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_staff_notices_user_id_created_at", table_name="staff_notices")
    op.drop_table("staff_notices")
    op.drop_table("notification_preferences")
    op.drop_table("notice_templates")
