from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class DeadlineExtension(Base):
    """An approved extension of a dossier's due time (gia hạn), with the apology it owes.

    The dossier's `due_at` moves to `new_due_at`; this row keeps what it was and who decided,
    so the statistics and an inspector can still see the original legal due time.
    """

    __tablename__ = "deadline_extensions"

    #: the row's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the dossier whose due time moved
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the due time before this extension
    old_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the new appointment (ngày hẹn trả mới) written on the Mẫu 04 apology
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: why, in Vietnamese, as the apology letter states it
    reason: Mapped[str] = mapped_column(Text)
    #: the leader who approved it
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_name: Mapped[str] = mapped_column(String(255), default="")
    #: when it was approved (UTC)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: working days left before the old due time when approved (the law wants at least one)
    notice_working_days: Mapped[float] = mapped_column(Float, default=0.0)


#: states of an extension request
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
STATE_LABELS = {PENDING: "Chờ lãnh đạo xem xét", APPROVED: "Đã đồng ý", REFUSED: "Không đồng ý"}


class DeadlineExtensionRequest(Base):
    """A processing officer's request to extend a dossier's due time, awaiting the leader.

    Approving it calls `extend_deadline` (which records a `DeadlineExtension` and queues the
    Mẫu 04 apology); refusing it changes nothing but this row and the dossier's history.
    """

    __tablename__ = "deadline_extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the dossier's handling agency when asked: whose leaders decide
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    #: pending, approved or refused
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    #: why, in Vietnamese: it becomes the apology letter's reason when approved
    reason: Mapped[str] = mapped_column(Text)
    #: the officer's proposal: a number of working days after the current due time ...
    working_days: Mapped[int | None]
    #: ... or a new due time (the closing time of a chosen working day)
    new_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the due time when asked
    due_at_when_requested: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_by_name: Mapped[str] = mapped_column(String(255), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str] = mapped_column(String(255), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the leader's reason for a refusal
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    #: the extension an approval made
    extension_id: Mapped[int | None] = mapped_column(ForeignKey("deadline_extensions.id"))

    __table_args__ = (Index("ix_deadline_extension_requests_agency_state", "agency_id", "state"),)
