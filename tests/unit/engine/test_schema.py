"""The migrations build exactly the schema the models describe.

Otherwise the next `alembic revision --autogenerate` would drop an index or loosen a column that
only one of the two declares.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import Base

#: PostgreSQL-only expression index written in SQL by the migration (full-text search over
#: dossiers.search_text); Alembic does not compare expression indexes
SQL_ONLY_INDEXES = {"ix_dossiers_search_text"}


def _compared(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in SQL_ONLY_INDEXES)


def test_models_and_migrations_agree(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _compared})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
