"""inbox: dossier search key and an index per inbox filter

Revision ID: inbox_1
Revises: 0001
Create Date: 2026-12-01 09:00:00

The inbox starts from the open tasks of the officer's scope (ix_tasks_inbox, ix_tasks_assignee:
equality on state, agency and role, then `due_at` in index order, so the first page stops after
50 rows) and joins each task's dossier by primary key; the indexes below serve a filter when
it is more selective than the scope (a leader's whole unit, a name search, the month's returned
dossiers).

Search: `dossiers.search_text` holds the folded code, applicant name and ID number. On
PostgreSQL a GIN index over `to_tsvector('simple', search_text)` finds the rows holding every
typed word as a word prefix (engine/dossiers/search.py), and `LIKE '%typed text%'` then checks
the words' order on those few rows. A trigram index (pg_trgm) was measured first: with names
as common as "Nguyễn Văn ..." every trigram of a typed name is frequent, and the trigram scan
alone took ~90 ms on 1,000,000 dossiers against ~20 ms for the word index. SQLite cannot index
a contains-search, so it gets no index there: it scans, which is fine at the size an embedded
database serves.

`ix_tasks_inbox` is rebuilt on PostgreSQL with `assignee_id` included, so the tab counts
(mine / unclaimed) are index-only scans.
"""

import sqlalchemy as sa
from alembic import op

revision = "inbox_1"
down_revision = "actions_1"
branch_labels = None
depends_on = None

PLAIN_INDEXES = [
    # ix_dossiers_received_at comes with stats_1
    ("ix_dossiers_status", "dossiers", ["status"]),
    ("ix_dossiers_channel", "dossiers", ["channel"]),
    ("ix_dossiers_due_at", "dossiers", ["due_at"]),
    ("ix_dossiers_agency_returned", "dossiers", ["agency_id", "returned_at"]),
    ("ix_procedures_field", "procedures", ["field"]),
    ("ix_tasks_completed_by", "tasks", ["completed_by_id", "state"]),
]


def upgrade():
    op.add_column(
        "dossiers", sa.Column("search_text", sa.Text(), nullable=False, server_default="")
    )
    _fill_search_text()
    # open tasks carry their dossier's running due time (engine/tasks/due_state.py)
    op.execute(
        "UPDATE tasks SET due_at = (SELECT CASE WHEN dossiers.paused_at IS NULL "
        "THEN dossiers.due_at END FROM dossiers WHERE dossiers.id = tasks.dossier_id) "
        "WHERE state = 'open'"
    )
    for name, table, columns in PLAIN_INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_dossiers_search_text ON dossiers "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
        op.drop_index("ix_tasks_inbox", table_name="tasks")
        op.create_index(
            "ix_tasks_inbox",
            "tasks",
            ["state", "agency_id", "role", "due_at"],
            postgresql_include=["assignee_id"],
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_dossiers_search_text", table_name="dossiers")
        op.drop_index("ix_tasks_inbox", table_name="tasks")
        op.create_index("ix_tasks_inbox", "tasks", ["state", "agency_id", "role", "due_at"])
    for name, table, _columns in reversed(PLAIN_INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("search_text")


def _fill_search_text():
    from engine.dossiers.search import search_key

    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, code, applicant_name, applicant_id_number FROM dossiers")
    ).all()
    for row in rows:
        key = search_key(" ".join(str(value or "") for value in row[1:]))
        connection.execute(
            sa.text("UPDATE dossiers SET search_text = :key WHERE id = :id"),
            {"key": key, "id": row[0]},
        )
