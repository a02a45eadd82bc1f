"""The applicant's in-portal notifications: what the outbox sent about their dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, NotificationRead
from engine.notifications.templates import event_text
from engine.outbox.models import OutboxMessage
from engine.users.actor import Actor

OPERATION = "notify/applicant"


@dataclass(frozen=True)
class Notification:
    id: int
    dossier_code: str
    text: str
    at: datetime
    is_read: bool


def list_notifications(session: Session, actor: Actor, limit: int = 100) -> list[Notification]:
    if actor.user_id is None:
        return []
    rows = session.execute(
        select(OutboxMessage, Dossier.code, NotificationRead.read_at)
        .join(Dossier, Dossier.id == OutboxMessage.dossier_id)
        .outerjoin(
            NotificationRead,
            (NotificationRead.outbox_message_id == OutboxMessage.id)
            & (NotificationRead.user_id == actor.user_id),
        )
        .where(Dossier.applicant_user_id == actor.user_id, OutboxMessage.operation == OPERATION)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        Notification(
            id=message.id,
            dossier_code=code,
            text=notification_text(message.payload),
            at=message.created_at,
            is_read=read_at is not None,
        )
        for message, code, read_at in rows
    ]


def notification_text(payload: dict) -> str:
    """The line the notice was sent with; older rows without one get the event's shipped text."""
    return str(payload.get("text") or event_text(str(payload.get("template", ""))))


def count_unread(session: Session, actor: Actor) -> int:
    return sum(1 for item in list_notifications(session, actor) if not item.is_read)


def mark_notifications_read(session: Session, actor: Actor) -> int:
    """Mark every listed notification read; returns how many were unread."""
    unread = [item for item in list_notifications(session, actor, limit=500) if not item.is_read]
    for item in unread:
        session.add(NotificationRead(user_id=actor.user_id, outbox_message_id=item.id))
    session.flush()
    return len(unread)
