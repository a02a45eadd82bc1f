"""Recording that a worker is alive, and reading which workers are.

The worker runs `beat` on every scheduler tick (every 2 s by default), beside its jobs;
the system page shows a worker as not running once its `last_seen` is older than
`ALIVE_WITHIN`, i.e. several missed runs, not one slow one.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.heartbeat.models import WorkerHeartbeat
from engine.timestamps import utcnow

ALIVE_WITHIN = timedelta(seconds=30)
#: rows of workers silent for longer than this are dropped from the page (and the table)
FORGOTTEN_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class WorkerStatus:
    heartbeat: WorkerHeartbeat
    alive: bool
    silent_for: timedelta


def this_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat(session: Session, worker_id: str | None = None) -> WorkerHeartbeat:
    """Create or move forward this worker's row; the caller commits."""
    worker_id = worker_id or this_worker_id()
    now = utcnow()
    row = session.get(WorkerHeartbeat, worker_id)
    if row is None:
        hostname, _, pid = worker_id.rpartition(":")
        row = WorkerHeartbeat(
            worker_id=worker_id,
            hostname=hostname or worker_id,
            pid=int(pid) if pid.isdigit() else 0,
            started_at=now,
        )
        session.add(row)
    row.last_seen = now
    session.flush()
    return row


def worker_statuses(session: Session, now: datetime | None = None) -> list[WorkerStatus]:
    """Every worker heard from in the last week, the most recent first."""
    now = now or utcnow()
    rows = session.scalars(
        select(WorkerHeartbeat)
        .where(WorkerHeartbeat.last_seen >= now - FORGOTTEN_AFTER)
        .order_by(WorkerHeartbeat.last_seen.desc())
    ).all()
    return [
        WorkerStatus(row, alive=now - row.last_seen <= ALIVE_WITHIN, silent_for=now - row.last_seen)
        for row in rows
    ]


def beat(session_factory: sessionmaker[Session], worker_id: str | None = None) -> None:
    """One heartbeat in its own transaction: the worker's scheduler runs this every interval."""
    with session_factory() as session, transaction(session):
        record_heartbeat(session, worker_id)
