"""orgs: administrative-unit code on agencies; which units handle which procedure

Revision ID: orgs_1
Revises: admine2e_1
Create Date: 2026-12-02 09:00:00

`agencies.admin_unit_code` is the statistical code of the administrative unit an imported
agency stands for (engine/agencies/administrative_units.py matches on it, so an administrator
may change the agency's own code without breaking the next import). `procedure_agencies` lists
the units that receive a procedure's dossiers besides its home unit (procedures.agency_id).
"""

import sqlalchemy as sa
from alembic import op

revision = "orgs_1"
down_revision = "admine2e_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("admin_unit_code", sa.String(length=10), nullable=True))
        batch.create_unique_constraint("uq_agencies_admin_unit_code", ["admin_unit_code"])
    op.create_table(
        "procedure_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name="fk_procedure_agencies_procedure_id_procedures",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name="fk_procedure_agencies_agency_id_agencies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_procedure_agencies"),
        sa.UniqueConstraint(
            "procedure_id", "agency_id", name="uq_procedure_agencies_procedure_id_agency_id"
        ),
    )
    op.create_index("ix_procedure_agencies_procedure_id", "procedure_agencies", ["procedure_id"])
    op.create_index("ix_procedure_agencies_agency_id", "procedure_agencies", ["agency_id"])


def downgrade():
    op.drop_index("ix_procedure_agencies_agency_id", table_name="procedure_agencies")
    op.drop_index("ix_procedure_agencies_procedure_id", table_name="procedure_agencies")
    op.drop_table("procedure_agencies")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_constraint("uq_agencies_admin_unit_code", type_="unique")
        batch.drop_column("admin_unit_code")
