"""The outbox as the system page shows it: what waits, what failed, and retrying failures.

A row is FAILED after MAX_ATTEMPTS; retrying puts it back to PENDING with its attempts reset
and due now, so the next worker sweep performs it again with the same idempotency key (the
provider still performs the effect at most once). The outbox and the worker serve the whole
deployment, so only an administrator of a top-level agency retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.agencies.tree import require_root_administrator
from engine.errors import NotFound
from engine.outbox.models import FAILED, PENDING, WAITING, OutboxMessage
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change
from engine.workflow.models import Timer

STATUS_LABELS = {
    PENDING: "Đang chờ",
    WAITING: "Chờ nhà cung cấp phản hồi",
    "done": "Đã thực hiện",
    FAILED: "Thất bại",
}
FAILED_SHOWN = 200


@dataclass(frozen=True)
class OutboxBacklog:
    #: (status, operation, count), statuses then operations in order
    counts: list[tuple[str, str, int]]
    pending: int
    failed: int
    #: how long the oldest pending row has waited, None when nothing waits
    oldest_pending_age: timedelta | None
    #: BPMN timers waiting to fire, and how many of them are already due
    timers: int
    timers_due: int


def outbox_backlog(session: Session, now: datetime | None = None) -> OutboxBacklog:
    now = now or utcnow()
    counts = session.execute(
        select(OutboxMessage.status, OutboxMessage.operation, func.count())
        .group_by(OutboxMessage.status, OutboxMessage.operation)
        .order_by(OutboxMessage.status, OutboxMessage.operation)
    ).all()
    oldest = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == PENDING)
    )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return OutboxBacklog(
        counts=[(status, operation, count) for status, operation, count in counts],
        pending=sum(count for status, _, count in counts if status == PENDING),
        failed=sum(count for status, _, count in counts if status == FAILED),
        oldest_pending_age=now - oldest if oldest is not None else None,
        timers=session.scalar(select(func.count()).select_from(Timer)) or 0,
        timers_due=session.scalar(select(func.count()).where(Timer.due_at <= now)) or 0,
    )


def list_failed(session: Session, limit: int = FAILED_SHOWN) -> list[OutboxMessage]:
    """The failed side effects, oldest first, with their last error."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == FAILED)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def retry_failed(session: Session, actor: Actor, message_id: int | None = None) -> int:
    """Put one failed row (or every failed row when `message_id` is None) back to PENDING.

    Returns how many rows were reset. Audited once per call with the ids reset.
    """
    require_root_administrator(session, actor)
    query = select(OutboxMessage.id).where(OutboxMessage.status == FAILED)
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    ids = list(session.scalars(query.order_by(OutboxMessage.id).with_for_update()))
    if message_id is not None and not ids:
        raise NotFound("Không tìm thấy tác vụ thất bại này (có thể đã được thử lại).")
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=PENDING, attempts=0, next_attempt_at=utcnow())
        )
        record_admin_change(
            session,
            actor,
            "outbox_retried",
            f"outbox:{message_id}" if message_id is not None else "outbox:all_failed",
            {"ids": ids},
        )
    session.flush()
    return len(ids)
