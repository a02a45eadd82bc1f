"""The officer's in-app notification list: the staff notices (notify/officer, notify/leader)
they are a recipient of, whether or not an e-mail also reached them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, NotificationRead
from engine.notifications.models import StaffNotice
from engine.outbox.models import OutboxMessage
from engine.users.actor import Actor


@dataclass(frozen=True)
class StaffNoticeItem:
    id: int
    dossier_code: str | None
    text: str
    at: datetime
    is_read: bool


def record_staff_notices(session: Session, message: OutboxMessage) -> None:
    """One list entry per addressed recipient; called where a staff notice is queued."""
    for recipient in message.payload.get("recipients") or []:
        session.add(StaffNotice(user_id=recipient["user_id"], message=message))


def list_staff_notices(session: Session, actor: Actor, limit: int = 100) -> list[StaffNoticeItem]:
    if actor.user_id is None:
        return []
    rows = session.execute(
        select(OutboxMessage, Dossier.code, NotificationRead.read_at)
        .join(StaffNotice, StaffNotice.outbox_message_id == OutboxMessage.id)
        .outerjoin(Dossier, Dossier.id == OutboxMessage.dossier_id)
        .outerjoin(
            NotificationRead,
            (NotificationRead.outbox_message_id == OutboxMessage.id)
            & (NotificationRead.user_id == actor.user_id),
        )
        .where(StaffNotice.user_id == actor.user_id)
        .order_by(StaffNotice.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        StaffNoticeItem(
            id=message.id,
            dossier_code=code,
            text=staff_notice_text(message.payload),
            at=message.created_at,
            is_read=read_at is not None,
        )
        for message, code, read_at in rows
    ]


def count_unread_staff_notices(session: Session, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return session.scalar(
        select(func.count())
        .select_from(StaffNotice)
        .outerjoin(
            NotificationRead,
            (NotificationRead.outbox_message_id == StaffNotice.outbox_message_id)
            & (NotificationRead.user_id == StaffNotice.user_id),
        )
        .where(StaffNotice.user_id == actor.user_id, NotificationRead.read_at.is_(None))
    )


def mark_staff_notices_read(session: Session, actor: Actor) -> int:
    unread = session.scalars(
        select(StaffNotice.outbox_message_id)
        .outerjoin(
            NotificationRead,
            (NotificationRead.outbox_message_id == StaffNotice.outbox_message_id)
            & (NotificationRead.user_id == StaffNotice.user_id),
        )
        .where(StaffNotice.user_id == actor.user_id, NotificationRead.read_at.is_(None))
    ).all()
    for message_id in unread:
        session.add(NotificationRead(user_id=actor.user_id, outbox_message_id=message_id))
    session.flush()
    return len(unread)


def staff_notice_text(payload: dict) -> str:
    return str(payload.get("text") or payload.get("message") or payload.get("subject") or "")
