"""security: the administrators' audit trail as a hash chain; e-receipts reference payments

Revision ID: security_1
Revises: connectors_3
Create Date: 2026-12-06 09:00:00

Existing audit entries are chained in id order here, so the chain covers the whole trail.
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "security_1"
down_revision = "connectors_3"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_chain_heads")),
    )
    with op.batch_alter_table("admin_audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("e_receipts", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_e_receipts_payment_id_payments"), "payments", ["payment_id"], ["id"]
        )
    _chain_existing_entries()


def downgrade() -> None:
    with op.batch_alter_table("e_receipts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_e_receipts_payment_id_payments"), type_="foreignkey"
        )
    with op.batch_alter_table("admin_audit_entries", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("previous_hash")
    op.drop_table("audit_chain_heads")


def _chain_existing_entries() -> None:
    """The same digest as engine/users/audit_chain.entry_digest, frozen here as of this revision."""
    connection = op.get_bind()
    entries = sa.table(
        "admin_audit_entries",
        sa.column("id", sa.Integer),
        sa.column("actor_id", sa.Integer),
        sa.column("actor_name", sa.String),
        sa.column("action", sa.String),
        sa.column("target", sa.String),
        sa.column("details", sa.JSON),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("previous_hash", sa.String),
        sa.column("entry_hash", sa.String),
    )
    previous, last_id = GENESIS, 0
    rows = connection.execute(sa.select(entries).order_by(entries.c.id)).mappings().all()
    for row in rows:
        at = row["at"]
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        fields = {
            "id": row["id"],
            "actor_id": row["actor_id"],
            "actor_name": row["actor_name"],
            "action": row["action"],
            "target": row["target"],
            "details": row["details"],
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
        canonical = json.dumps(
            fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
        )
        digest = hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()
        connection.execute(
            entries.update()
            .where(entries.c.id == row["id"])
            .values(previous_hash=previous, entry_hash=digest)
        )
        previous, last_id = digest, row["id"]
    if not rows:  # the first entry creates the head (engine/users/audit_chain.link)
        return
    heads = sa.table(
        "audit_chain_heads",
        sa.column("name", sa.String),
        sa.column("last_id", sa.Integer),
        sa.column("last_hash", sa.String),
    )
    connection.execute(
        heads.insert().values(name="admin_audit", last_id=last_id, last_hash=previous)
    )
