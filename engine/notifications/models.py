from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.outbox.models import OutboxMessage
from engine.timestamps import UTCDateTime, utcnow


class NoticeTemplate(Base):
    """The administrator's wording of one event's notice; without a row the shipped text is used.

    One row per event, every channel's text in it, so an edit changes e-mail, SMS and Zalo
    together and the preview shows all three.
    """

    __tablename__ = "notice_templates"

    #: the event, as the engine names it (`submitted`, `supplement_requested`...)
    event: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: the e-mail's subject, with {placeholders}
    subject: Mapped[str] = mapped_column(String(255))
    #: the e-mail's body
    body: Mapped[str] = mapped_column(Text)
    #: one or two sentences: the SMS, and the line in the portal's and Zalo's lists
    short_text: Mapped[str] = mapped_column(String(500))
    #: the Zalo ZNS template registered with Zalo for this event ('' = the OA's default one)
    zns_template_id: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ChannelPreference(Base):
    """How a citizen wants to be told; without a row: by e-mail only (SMS and Zalo are opt-in)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    zalo: Mapped[bool] = mapped_column(default=False)
    sms: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffNotice(Base):
    """An officer is one of the recipients of a staff notice (an outbox row of notify/officer or
    notify/leader): their in-app list. Read marks are `NotificationRead`, as for citizens."""

    __tablename__ = "staff_notices"
    __table_args__ = (Index("ix_staff_notices_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[OutboxMessage] = relationship()
