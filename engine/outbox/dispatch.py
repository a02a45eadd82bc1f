"""Performing outbox rows after their step committed: at least once, deduplicated by key.

Each row is claimed in a short transaction (a lease: next_attempt_at moves into the future), the
call runs with no transaction open, and its result is recorded, and fed back into a waiting
service task, in a second transaction. A worker that dies mid-call leaves the lease to expire and
another worker performs the row again with the same idempotency key.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.contract import OperationFailed
from connectors.registry import find_operation
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.dossiers.step import StepRecord, lock_dossier, run_step
from engine.outbox.models import DONE, FAILED, PENDING, OutboxMessage
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.workflow import runtime

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def claim_due(session: Session, limit: int = 20) -> list[int]:
    now = utcnow()
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
    session.flush()
    return [row.id for row in rows]


def perform_due(session_factory: sessionmaker[Session], limit: int = 20) -> int:
    """One sweep: claim, perform, record. Returns how many rows were handled."""
    with session_factory() as session, transaction(session):
        ids = claim_due(session, limit)
    for message_id in ids:
        perform_one(session_factory, message_id)
    return len(ids)


def perform_one(session_factory: sessionmaker[Session], message_id: int) -> None:
    with session_factory() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.status != PENDING:
            return
        operation_name, payload = message.operation, dict(message.payload)
        key, attempts = message.idempotency_key, message.attempts
        operation = find_operation(operation_name)
        settings = (
            provider_settings(session, operation.settings_provider)
            if operation is not None and operation.settings_provider
            else {}
        )
    try:
        if operation is None:
            raise OperationFailed(f"no connector named {operation_name!r}")
        result = operation.perform(payload, key, settings)
    except Exception as error:
        log.warning("outbox %s (%s) failed: %s", message_id, operation_name, error)
        with session_factory() as session, transaction(session):
            _record_failure(session, message_id, attempts, error)
        return
    with session_factory() as session, transaction(session):
        record_result(session, message_id, result)


def record_result(session: Session, message_id: int, result: dict) -> None:
    """Mark the row done and, if a service task waits for it, complete that task in a step."""
    message = session.get(OutboxMessage, message_id)
    if message.dossier_id is not None and message.spiff_task_id is not None:
        dossier = lock_dossier(session, message.dossier_id)
        session.refresh(message)
        if message.status == DONE:
            return

        def resume(workflow) -> None:
            task = runtime.find_task(workflow, message.spiff_task_id)
            if task is None or task not in runtime.waiting_service_tasks(workflow):
                return
            task.data[task.task_spec.result_variable] = result
            task.complete()

        run_step(
            session,
            dossier,
            SYSTEM,
            resume,
            StepRecord(action="service_completed", task_title=message.operation),
        )
    message.status = DONE
    message.result = result
    message.done_at = utcnow()
    message.last_error = None


def _record_failure(session: Session, message_id: int, attempts: int, error: Exception) -> None:
    message = session.get(OutboxMessage, message_id)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        message.status = FAILED
    else:
        message.next_attempt_at = utcnow() + timedelta(seconds=min(3600, 5 * 2**attempts))
