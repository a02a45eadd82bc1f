"""connectors: electronic receipts (biên lai điện tử) for paid fees, numbered per agency and
year in receipt series (engine/receipts)

Revision ID: connectors_2
Revises: connectors_1
Create Date: 2026-12-05 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "connectors_2"
down_revision = "connectors_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "receipt_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_receipt_series_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_series")),
        sa.UniqueConstraint("agency_id", "year", name=op.f("uq_receipt_series_agency_id_year")),
    )
    op.create_table(
        "e_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        # the payments table comes on another branch, and with it the foreign key
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("lookup_code", sa.String(length=40), nullable=False),
        sa.Column("payer_name", sa.String(length=255), nullable=False),
        sa.Column("procedure_name", sa.String(length=500), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=True),
        sa.Column("provider_reference", sa.String(length=120), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invoice_state", sa.String(length=10), nullable=False),
        sa.Column("invoice_number", sa.String(length=60), nullable=True),
        sa.Column("invoice_lookup_code", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_e_receipts_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_e_receipts_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["receipt_series.id"],
            name=op.f("fk_e_receipts_series_id_receipt_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_e_receipts")),
        sa.UniqueConstraint("lookup_code", name=op.f("uq_e_receipts_lookup_code")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_e_receipts_payment_id")),
        sa.UniqueConstraint("series_id", "number", name=op.f("uq_e_receipts_series_id_number")),
    )
    with op.batch_alter_table("e_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_e_receipts_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_e_receipts_dossier_id"), ["dossier_id"], unique=False)


def downgrade():
    with op.batch_alter_table("e_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_e_receipts_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_e_receipts_agency_id"))
    op.drop_table("e_receipts")
    op.drop_table("receipt_series")
