from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class WorkerHeartbeat(Base):
    """One row per worker process, its `last_seen` moved forward on every scheduler run."""

    __tablename__ = "worker_heartbeats"

    #: "hostname:pid", stable for the life of one worker process
    worker_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: the machine the worker runs on
    hostname: Mapped[str] = mapped_column(String(255))
    #: its process id on that machine
    pid: Mapped[int]
    #: when the worker process started (UTC)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the end of its last run (UTC); a worker silent for long is shown as not running
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
