from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
    notice_working_days: Mapped[float] = mapped_column(default=0.0)
