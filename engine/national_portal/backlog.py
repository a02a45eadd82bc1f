"""What the national portal has not received yet, and why: the admin page's list and retry.

A dossier's updates go out in order, so one update the portal refused (FAILED) or cannot be
reached for (PENDING with its last error) holds the ones behind it; the list shows both, the
held ones marked as waiting for the earlier one. Retrying puts the row back as due now (a
refused one back to PENDING with its attempts reset), audited like the system page's retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from connectors.national_portal import SYNC_DOSSIER_OPERATION, SYNC_PROGRESS_OPERATION
from engine.agencies.tree import require_root_administrator
from engine.dossiers.models import Dossier
from engine.errors import NotFound
from engine.outbox.models import DONE, FAILED, PENDING, OutboxMessage
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

OPERATIONS = (SYNC_DOSSIER_OPERATION, SYNC_PROGRESS_OPERATION)
SERVICE_LABELS = {
    SYNC_DOSSIER_OPERATION: "DongBoHoSoMC (hồ sơ, trạng thái)",
    SYNC_PROGRESS_OPERATION: "CapNhatTienDoHoSoMC (tiến độ xử lý)",
}
SHOWN = 500


@dataclass(frozen=True)
class UnsyncedUpdate:
    message_id: int
    dossier_code: str
    operation: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    #: an earlier update of the same dossier has not been accepted yet
    waits_for_earlier: bool

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.operation, self.operation)


def list_unsynced(session: Session, actor: Actor, limit: int = SHOWN) -> list[UnsyncedUpdate]:
    """Every portal update not yet accepted, dossier by dossier in the order they go out."""
    require_root_administrator(session, actor)
    rows = session.execute(
        select(OutboxMessage, Dossier.code)
        .join(Dossier, Dossier.id == OutboxMessage.dossier_id)
        .where(OutboxMessage.operation.in_(OPERATIONS), OutboxMessage.status != DONE)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    heads: set[str] = set()
    lines = []
    for message, code in rows:
        key = message.ordering_key or str(message.id)
        lines.append(
            UnsyncedUpdate(
                message_id=message.id,
                dossier_code=code,
                operation=message.operation,
                status=message.status,
                attempts=message.attempts,
                last_error=message.last_error,
                next_attempt_at=message.next_attempt_at if message.status == PENDING else None,
                created_at=message.created_at,
                waits_for_earlier=key in heads,
            )
        )
        heads.add(key)
    return lines


def retry_unsynced(session: Session, actor: Actor, message_id: int | None = None) -> int:
    """Make one unsynced update (every one when None) due now; returns how many were reset."""
    require_root_administrator(session, actor)
    query = select(OutboxMessage.id).where(
        OutboxMessage.operation.in_(OPERATIONS), OutboxMessage.status.in_((PENDING, FAILED))
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    ids = list(session.scalars(query.order_by(OutboxMessage.id).with_for_update()))
    if message_id is not None and not ids:
        raise NotFound("Không tìm thấy bản đồng bộ chưa gửi này (có thể đã được Cổng tiếp nhận).")
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == FAILED)
            .values(status=PENDING, attempts=0)
        )
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(next_attempt_at=utcnow())
        )
        record_admin_change(
            session,
            actor,
            "portal_sync_retried",
            f"outbox:{message_id}" if message_id is not None else "outbox:national_portal",
            {"ids": ids},
        )
    session.flush()
    return len(ids)
