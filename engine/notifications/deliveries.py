"""What became of each notice sent to a dossier's applicant, channel by channel.

Read from the outbox rows themselves (the notice, and its Zalo and SMS copies): the row's state
is the delivery state, so the page can never disagree with what the worker did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.notices import APPLICANT_NOTICE, SMS_NOTICE, ZALO_NOTICE
from engine.notifications.templates import EVENTS_BY_NAME, OTHER
from engine.outbox.models import DONE, FAILED, OutboxMessage

OPERATIONS = (APPLICANT_NOTICE, ZALO_NOTICE, SMS_NOTICE)

#: state -> what the page says
SENT, PORTAL_ONLY, PENDING, RETRYING, FAILED_STATE = (
    "sent",
    "portal",
    "pending",
    "retrying",
    "failed",
)
STATE_LABELS = {
    SENT: "Đã gửi",
    PORTAL_ONLY: "Chỉ trên Cổng",
    PENDING: "Đang chờ gửi",
    RETRYING: "Đang thử gửi lại",
    FAILED_STATE: "Không gửi được",
}


@dataclass(frozen=True)
class Delivery:
    at: datetime
    event_label: str
    channel: str
    recipient: str
    state: str
    attempts: int
    #: the provider's refusal or the last error, for the officer
    detail: str
    delivered_at: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def deliveries_of(session: Session, dossier_id: int) -> list[Delivery]:
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dossier_id == dossier_id, OutboxMessage.operation.in_(OPERATIONS))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [_delivery(message) for message in messages]


def _delivery(message: OutboxMessage) -> Delivery:
    payload = message.payload or {}
    event = str(payload.get("template") or payload.get("event") or "")
    channel, recipient = _channel(message)
    return Delivery(
        at=message.created_at,
        event_label=EVENTS_BY_NAME.get(event, OTHER).label,
        channel=channel,
        recipient=recipient,
        state=_state(message),
        attempts=message.attempts,
        detail="" if message.status == DONE else (message.last_error or ""),
        delivered_at=message.done_at if message.status == DONE else None,
    )


def _channel(message: OutboxMessage) -> tuple[str, str]:
    payload = message.payload or {}
    if message.operation == ZALO_NOTICE:
        return "Zalo", masked_phone(str(payload.get("phone") or ""))
    if message.operation == SMS_NOTICE:
        return "SMS", masked_phone(str(payload.get("phone") or ""))
    to = payload.get("to")
    if not to:
        return "Cổng dịch vụ công", ""
    return "E-mail", masked_email(to if isinstance(to, str) else ", ".join(to))


def _state(message: OutboxMessage) -> str:
    if message.status == DONE:
        delivered = (message.result or {}).get("delivered", True)
        return SENT if delivered else PORTAL_ONLY
    if message.status == FAILED:
        return FAILED_STATE
    return RETRYING if message.attempts else PENDING


def masked_phone(phone: str) -> str:
    """The last three digits: enough to recognise one's own number, not to read it off a screen."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"•••••••{digits[-3:]}" if len(digits) >= 3 else ""


def masked_email(address: str) -> str:
    name, at, domain = address.partition("@")
    if not at:
        return address
    return f"{name[:1]}•••@{domain}"
