"""Server-side prepared statements for PostgreSQL through psycopg2.

psycopg2 sends every statement as text, so PostgreSQL parses, analyses and plans the step's
read (seven relations) on every step: on the benchmark machine that was 0.8 ms of a 1.25 ms
statement (bench/README.md). Each connection here prepares a statement that has
parameters the first time it runs it (`PREPARE`, with `$n` for SQLAlchemy's named
parameters) and from then on sends `EXECUTE name(values)`; PostgreSQL keeps the parsed
statement and, after a few runs, a generic plan.

A statement PostgreSQL cannot prepare (a parameter whose type nothing determines) runs as
text: the `PREPARE` runs inside a savepoint, so its failure costs the transaction nothing.
A prepared statement lives as long as its connection, rollbacks included; a connection the
pool replaces starts with none. Behind a pooler that hands one session's statements to
different server connections (PgBouncer in transaction mode) prepared statements cannot
work: set MOTCUA_PREPARED_STATEMENTS=0 there.
"""

from __future__ import annotations

import itertools
import os
import re

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_INERROR
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: distinct statements one connection prepares; past that, statements run as text (lists of
#: varying length give each length its own statement)
PER_CONNECTION = 256
_INFO_KEY = "prepared_statements"
_PARAMETER = re.compile(r"%\(([^)]+)\)s")
_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
_REFUSED = object()
#: names unique in the process, so a connection can never be asked to prepare one twice
_names = itertools.count()


def prepare_statements(engine: Engine) -> None:
    """Prepare the engine's statements on PostgreSQL, unless MOTCUA_PREPARED_STATEMENTS=0."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg2":
        return
    if os.environ.get("MOTCUA_PREPARED_STATEMENTS", "1") == "0":
        return
    # at the driver call itself: listeners of `before_cursor_execute` (logging, the statement
    # counts of tests and benchmarks) still see the statement's text
    event.listen(engine, "do_execute", _execute_prepared)


def _execute_prepared(cursor, statement, parameters, context) -> bool:
    """Run the statement by its prepared name; False lets the driver run it as text."""
    if cursor.name is not None or not parameters or not isinstance(parameters, dict):
        return False
    if not statement.lstrip()[:6].upper().startswith(_PREPARABLE):
        return False
    dbapi_connection = cursor.connection
    # no transaction, no savepoint to fail inside; a failed one fails the statement anyway
    if dbapi_connection.autocommit or (
        dbapi_connection.info.transaction_status == TRANSACTION_STATUS_INERROR
    ):
        return False
    prepared = context.root_connection.info.setdefault(_INFO_KEY, {})
    entry = prepared.get(statement)
    if entry is None:
        if len(prepared) >= PER_CONNECTION:
            return False
        entry = prepared[statement] = _prepare(cursor, statement, f"motcua_{next(_names)}")
    if entry is _REFUSED:
        return False
    name, names = entry
    values = ", ".join(f"%({parameter})s" for parameter in names)
    cursor.execute(f"EXECUTE {name}({values})" if names else f"EXECUTE {name}", parameters)
    return True


def _prepare(cursor, statement: str, name: str) -> tuple[str, list[str]] | object:
    """PREPARE the statement as `name`; its parameters' names in `$n` order, or _REFUSED."""
    names: list[str] = []

    def numbered(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    # sent without parameters, so psycopg2 leaves `%%` as it is: the server must see `%`
    text = _PARAMETER.sub(numbered, statement).replace("%%", "%")
    try:
        cursor.execute(
            f"SAVEPOINT motcua_prepare; PREPARE {name} AS {text}; RELEASE SAVEPOINT motcua_prepare"
        )
    except psycopg2.OperationalError:
        raise  # the connection, not the statement: the pool replaces it
    except psycopg2.DatabaseError:
        cursor.execute("ROLLBACK TO SAVEPOINT motcua_prepare; RELEASE SAVEPOINT motcua_prepare")
        return _REFUSED
    return name, names
