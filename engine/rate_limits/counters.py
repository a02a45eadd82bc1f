"""Rate limits on public endpoints, shared by every web process through the database.

A fixed window per (scope, key): the first `limit` hits of a window pass, the next ones are
refused until the window ends. Each hit is one atomic upsert (`INSERT ... ON CONFLICT DO UPDATE
... RETURNING`, on PostgreSQL and SQLite alike), so two processes counting at the same moment
never both take the last place. Windows that ended are deleted by the worker's sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.rate_limits.models import RateLimitCounter
from engine.timestamps import utcnow

#: windows older than this are swept (longer than any window in use)
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class RateLimit:
    scope: str
    #: hits allowed per window
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class WindowCount:
    #: hits in the current window, this one included
    hits: int
    #: seconds until the window ends
    remaining: float


def hit(session: Session, rule: RateLimit, key: str, now: datetime | None = None) -> float:
    """Count one hit; 0 when allowed, else the seconds until the window ends. Flushes only."""
    counted = count_hit(session, rule, key, now)
    return counted.remaining if counted.hits > rule.limit else 0.0


def count_hit(
    session: Session, rule: RateLimit, key: str, now: datetime | None = None
) -> WindowCount:
    """Count one hit and say how many the window holds now: for callers that answer the first
    refused hit differently from the later ones (a chat says "too many" once, then nothing)."""
    now = now or utcnow()
    epoch = int(now.timestamp())
    start_epoch = epoch - epoch % rule.window_seconds
    window_start = datetime.fromtimestamp(start_epoch, tz=now.tzinfo)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(RateLimitCounter)
        .values(scope=rule.scope, key=key[:120], window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=["scope", "key", "window_start"],
            set_={"hits": RateLimitCounter.hits + 1},
        )
        .returning(RateLimitCounter.hits)
    )
    hits = session.execute(statement).scalar_one()
    return WindowCount(hits, float(start_epoch + rule.window_seconds - now.timestamp()))


def sweep_rate_limits(session_factory: sessionmaker[Session]) -> int:
    """The worker job: delete the counters of windows long gone; returns how many."""
    with session_factory() as session, transaction(session):
        return delete_old_windows(session, utcnow() - KEEP)


def delete_old_windows(session: Session, before: datetime) -> int:
    result = session.execute(delete(RateLimitCounter).where(RateLimitCounter.window_start < before))
    return result.rowcount
