from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime


class RateLimitCounter(Base):
    """How many times one client used one public endpoint in one fixed time window.

    Kept in the database so every web process counts against the same limit.
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_window", "window_start"),)

    #: what is limited, e.g. `lookup`
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: who is limited, e.g. the client's IP address
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
