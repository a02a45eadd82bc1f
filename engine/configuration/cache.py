"""A per-process cache of configuration, keyed by the configuration generation's token.

The step's locking statement reads the token in the same round trip as the dossier
(`generation_token`), so a step knows whether what this process read earlier is still what
the database holds without asking again; an edit changes the token in its own transaction
(`configuration_changed`). A session that has not read the token, such as an admin page's,
always reads the database.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import TypeVar
from uuid import uuid4

from sqlalchemy import ScalarSelect, select, update
from sqlalchemy.orm import Session

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
