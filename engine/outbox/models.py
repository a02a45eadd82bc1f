from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow

PENDING = "pending"
DONE = "done"
FAILED = "failed"
#: a long-running call was started; its callback or a poll completes the waiting task
WAITING = "waiting"


class OutboxMessage(Base):
    """A side effect to perform after the step that asked for it has committed."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_ordering", "ordering_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: a connector operation, e.g. notify/applicant
    operation: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the provider sees this key and performs the effect at most once
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    #: a service task waiting for this call's result
    spiff_task_id: Mapped[str | None] = mapped_column(String(36))
    #: rows sharing a key are performed one at a time in id order, each retried until done
    #: (`national_portal:<dossier id>`: a later update never overtakes an earlier one)
    ordering_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
