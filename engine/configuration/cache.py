"""A per-process cache of configuration, keyed by the configuration generation's token.

The step's read of its dossier reads the token in the same round trip (`generation_token`),
so a step knows whether what this process read earlier is still what the database holds
without asking again; an edit changes the token in its own transaction
(`configuration_changed`, or by itself for the models given to `watch`). A session that has
not read the token, such as an admin page's, always reads the database. Entries are dropped
together when the token changes; until then they are bounded by the configuration rows a
process has used (procedures, versions, agencies, calendars, settings, wordings).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from threading import Lock
from typing import TypeVar
from uuid import uuid4

from sqlalchemy import ScalarSelect, event, inspect, select, update
from sqlalchemy.orm import Session, make_transient_to_detached, object_session
from sqlalchemy.orm.util import identity_key

from engine.configuration.models import ConfigurationGeneration

T = TypeVar("T")

_SESSION_KEY = "configuration_generation"
_lock = Lock()
_token: str | None = None
_entries: dict[tuple, object] = {}


def generation_token() -> ScalarSelect:
    """The token as a column for a statement that a step runs anyway."""
    return select(ConfigurationGeneration.token).where(ConfigurationGeneration.id == 1)


def remember_generation(session: Session, token: str | None) -> None:
    """The token the session's step read: cached reads in this session may use it."""
    if token is None:
        session.info.pop(_SESSION_KEY, None)
    else:
        session.info[_SESSION_KEY] = token


def cached(session: Session, key: tuple, read: Callable[[], T]) -> T:
    """`read()`, or what it gave earlier in this process under the session's token."""
    global _token
    token = session.info.get(_SESSION_KEY)
    if token is None:
        return read()
    with _lock:
        if token == _token and key in _entries:
            return _entries[key]  # type: ignore[return-value]
    value = read()
    with _lock:
        if token != _token:
            _token = token
            _entries.clear()
        _entries[key] = value
    return value


def configuration_changed(session: Session) -> None:
    """Call in the transaction that edits cached configuration: every process reads it anew
    after this commits, and this session at once."""
    session.info.pop(_SESSION_KEY, None)
    changed = session.execute(
        update(ConfigurationGeneration)
        .where(ConfigurationGeneration.id == 1)
        .values(token=uuid4().hex)
    ).rowcount
    if not changed:
        session.add(ConfigurationGeneration(id=1, token=uuid4().hex))
        session.flush()


def attached(session: Session, model: type[T], ident: int) -> T:
    """The `model` row `ident` in `session`, from this process's copy when the session's token
    still matches: a step reads its dossier's procedure, version and agency every time, and
    building them from the database row costs more than the rest of the lock (bench/README.md).

    The copy holds the row's loaded columns (deferred ones load on access); `watch` makes any
    ORM change of a watched model change the generation.
    """
    present = session.identity_map.get(identity_key(model, ident))
    if present is not None:
        return present  # type: ignore[return-value]
    loaded: list[T] = []

    def read() -> dict:
        row = session.get(model, ident)
        loaded.append(row)
        return _copy(model, row)

    values = cached(session, _row_key(model, ident), read)
    if loaded:
        return loaded[0]
    # a JSON column's value is the copy's own: a reader must not change it for the others
    row = model(**{key: _own(value) for key, value in values.items()})
    make_transient_to_detached(row)
    session.add(row)
    return row


def cached_rows(
    session: Session, model: type[T], key: tuple, find: Callable[[], list[T]]
) -> list[T]:
    """The `model` rows `find()` gives, from this process's copies (`attached`) while the
    session's token still matches: only their ids are kept under `key`, so a submission finds
    its procedure's version and receiving units without asking the database."""
    found: list[T] = []

    def ids() -> list[int]:
        found.extend(find())
        for row in found:  # the rows just read are the copies `attached` will give next time
            if not inspect(row).modified:
                cached(session, _row_key(model, row.id), lambda row=row: _copy(model, row))
        return [row.id for row in found]

    kept = cached(session, key, ids)
    return found if found else [attached(session, model, ident) for ident in kept]


def _row_key(model: type, ident: int) -> tuple:
    return ("row", model.__name__, ident)


def _copy(model: type, row: object) -> dict:
    """The row's loaded columns, JSON values as text."""
    columns = inspect(model).column_attrs.keys()
    state = inspect(row).dict
    return {key: _frozen(state[key]) for key in columns if key in state}


class _JSONText(str):
    """A JSON column's value as text in the cache: each reader gets its own copy."""


def _frozen(value):
    return _JSONText(json.dumps(value)) if isinstance(value, dict | list) else value


def _own(value):
    return json.loads(value) if isinstance(value, _JSONText) else value


def watch(model: type) -> None:
    """Cached copies of `model` rows (`attached`) go stale when one changes through the ORM:
    change the generation in the same flush."""
    for name in ("after_insert", "after_update", "after_delete"):
        event.listen(model, name, _row_changed)


def _row_changed(_mapper, connection, target) -> None:
    session = object_session(target)
    if session is not None:
        if session.info.get(_CHANGED_IN_FLUSH):
            return  # an import of 10,000 units changes the generation once, not 10,000 times
        session.info[_CHANGED_IN_FLUSH] = True
        session.info.pop(_SESSION_KEY, None)
    connection.execute(
        update(ConfigurationGeneration)
        .where(ConfigurationGeneration.id == 1)
        .values(token=uuid4().hex)
    )


_CHANGED_IN_FLUSH = "configuration_changed_in_flush"


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, _context, _instances) -> None:
    # reset at the start, not the end: a flush that failed half-way must not leave it set
    session.info.pop(_CHANGED_IN_FLUSH, None)
