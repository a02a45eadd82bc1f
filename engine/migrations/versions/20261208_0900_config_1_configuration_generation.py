"""config: the configuration generation token a step reads with its dossier lock

Revision ID: config_1
Revises: postal_1
Create Date: 2026-12-08 09:00:00
"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "config_1"
down_revision = "postal_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "configuration_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid4().hex}])


def downgrade() -> None:
    op.drop_table("configuration_generation")
