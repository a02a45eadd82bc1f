"""Performing outbox rows after their step committed: at least once, deduplicated by key.

Each row is claimed in a short transaction (a lease: next_attempt_at moves into the future), the
call runs with no transaction open, and its result is recorded, and fed back into a waiting
service task, in a second transaction. A worker that dies mid-call leaves the lease to expire and
another worker performs the row again with the same idempotency key.

How each ending of a call is recorded (connectors/contract.py): a result completes the row and
its waiting task; `OperationFailed` retries with exponential backoff and jitter until
MAX_ATTEMPTS, then the row is FAILED (an incident on the system page); `OperationRefused` makes
the waiting task throw its BPMN error at once; a CALLBACK operation's row becomes WAITING and its
task waits for `complete_waiting_call` (engine/outbox/waiting.py).

Rows sharing an `ordering_key` (a dossier's national portal updates) are claimed one at a time:
a row waits while an earlier row of its key is not done, so a later update never overtakes an
earlier one while other keys go on. Such a row is never given up after MAX_ATTEMPTS (the rows
behind it could not go either): it is retried, at most BACKOFF_CAP_SECONDS apart, until done.
"""

from __future__ import annotations

import logging
import os
import random
import time
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

# imported for what they register: what a started payment and an issued e-invoice record, and
# the signing of result files, a submission to the document-management system, a postal order
import engine.document_issues.exchange
import engine.payments.collection
import engine.postal.orders
import engine.receipts.invoicing
import engine.signing.operation
import engine.signing.remote  # noqa: F401
from connectors.contract import CALLBACK, OperationFailed, OperationRefused
from connectors.registry import find_operation
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.outbox.models import DONE, FAILED, PENDING, WAITING, OutboxMessage
from engine.outbox.waiting import (
    CALL_ENDED,
    complete_waiting_call,
    start_waiting_call,
    throw_service_error,
)
from engine.timestamps import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
#: backoff after attempt n is uniform in [d/2, d], d = min(CAP, BASE · 2^n) ("equal jitter"):
#: workers retrying after a provider outage do not all call it again in the same second, and
#: the 8 attempts span at least 10.5 minutes, so a shorter outage never makes a row FAILED
#: (with "full jitter", from 0, a 5-minute outage used up all attempts of ~6 % of the rows)
BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 3600
#: how long one worker sweep may go on claiming full batches before the next sweep's turn
SWEEP_SECONDS = 30.0


def lease_length() -> timedelta:
    """How long a claimed row is kept from other workers: longer than a batch of calls can take,
    and how long rows wait after their worker died (MOTCUA_OUTBOX_LEASE_SECONDS, default 5 min)."""
    seconds = os.environ.get("MOTCUA_OUTBOX_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else LEASE


def claim_due(session: Session, limit: int = 20) -> list[int]:
    now = utcnow()
    lease = lease_length()
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.ordering_key == OutboxMessage.ordering_key,
        earlier.id < OutboxMessage.id,
        earlier.status != DONE,
    )
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.ordering_key.is_(None) | ~blocked,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + lease
    session.flush()
    return [row.id for row in rows]


def perform_due(session_factory: sessionmaker[Session], limit: int = 20) -> int:
    """One sweep: claim, perform, record. Returns how many rows were handled."""
    with session_factory() as session, transaction(session):
        ids = claim_due(session, limit)
    for message_id in ids:
        perform_one(session_factory, message_id)
    return len(ids)


def drain_due(
    session_factory: sessionmaker[Session], limit: int = 20, seconds: float = SWEEP_SECONDS
) -> int:
    """The worker's job: batch after batch while they come full, for at most `seconds`, so a
    backlog drains at the pace of the calls (one batch per sweep interval, 20 rows every 2 s,
    could not keep up with ~3 lifecycles/s of 18 rows each; found by bench/soak.py)."""
    started = time.monotonic()
    handled = 0
    while True:
        count = perform_due(session_factory, limit)
        handled += count
        if count < limit or time.monotonic() - started >= seconds:
            return handled


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
    except OperationRefused as refusal:
        log.warning("outbox %s (%s) refused: %s", message_id, operation_name, refusal)
        with session_factory() as session, transaction(session):
            record_refusal(session, message_id, refusal)
        return
    except Exception as error:
        log.warning("outbox %s (%s) failed: %s", message_id, operation_name, error)
        with session_factory() as session, transaction(session):
            _record_failure(session, message_id, attempts, error)
        return
    with session_factory() as session, transaction(session):
        if operation.completion == CALLBACK:
            start_waiting_call(session, message_id, result)
        else:
            record_result(session, message_id, result)


def record_result(session: Session, message_id: int, result: dict) -> None:
    """Mark the row done and, if a service task waits for it, complete that task in a step."""
    complete_waiting_call(session, message_id, result, from_statuses=(PENDING, FAILED, WAITING))


def record_refusal(session: Session, message_id: int, refusal: OperationRefused) -> None:
    """A permanent refusal: the waiting task throws BPMN error `refusal.code`. Caught by an
    error boundary event, the dossier takes that path and the row is done; uncaught, the row is
    FAILED at once, an incident an administrator sees (retrying cannot help by itself)."""
    message = session.get(OutboxMessage, message_id)
    message.last_error = f"OperationRefused: {refusal}"[:2000]
    caught = throw_service_error(session, message, refusal.code, refusal.message)
    if caught:
        message.status = DONE
        message.done_at = utcnow()
        message.result = {"refused": True, "code": refusal.code, "message": refusal.message}
    else:
        message.status = FAILED
        ended = CALL_ENDED.get(message.operation)
        if ended is not None:
            ended(session, message, None)


def retry_delay(attempts: int) -> timedelta:
    longest = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempts)
    return timedelta(seconds=random.uniform(longest / 2, longest))


def _record_failure(session: Session, message_id: int, attempts: int, error: Exception) -> None:
    message = session.get(OutboxMessage, message_id)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= MAX_ATTEMPTS and message.ordering_key is None:
        message.status = FAILED
    else:
        message.next_attempt_at = utcnow() + retry_delay(attempts)
