"""The outbox backlog the system page shows, and retrying a failed side effect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.contract import Operation, OperationFailed
from connectors.registry import register, unregister
from engine.db import transaction
from engine.errors import Forbidden, NotFound
from engine.outbox.backlog import list_failed, outbox_backlog, retry_failed
from engine.outbox.dispatch import MAX_ATTEMPTS, drain_due, perform_due
from engine.outbox.models import DONE, FAILED, PENDING, OutboxMessage
from engine.timestamps import utcnow
from engine.users.admin_audit import AdminAuditEntry

OPERATION = "test/flaky"


@pytest.fixture
def flaky():
    """An operation that fails until told to work, counting its calls."""
    state = {"works": False, "calls": 0}

    def perform(payload: dict, key: str, settings: dict) -> dict:
        state["calls"] += 1
        if not state["works"]:
            raise OperationFailed("máy chủ không trả lời")
        return {"ok": True}

    register(Operation(OPERATION, "Thử nghiệm", waits_for_result=False, perform=perform))
    yield state
    unregister(OPERATION)


def add_message(session_factory, key: str, status: str = PENDING, **fields) -> int:
    with session_factory() as session, transaction(session):
        message = OutboxMessage(
            operation=OPERATION, payload={}, idempotency_key=key, status=status, **fields
        )
        session.add(message)
        session.flush()
        return message.id


def test_backlog_counts_by_status_and_operation(session_factory):
    add_message(session_factory, "a", created_at=utcnow() - timedelta(minutes=10))
    add_message(session_factory, "b")
    add_message(session_factory, "c", status=FAILED, last_error="OperationFailed: hỏng")
    add_message(session_factory, "d", status=DONE)
    with session_factory() as session:
        backlog = outbox_backlog(session)
        failed = list_failed(session)
    assert backlog.counts == [(DONE, OPERATION, 1), (FAILED, OPERATION, 1), (PENDING, OPERATION, 2)]
    assert (backlog.pending, backlog.failed, backlog.timers) == (2, 1, 0)
    assert timedelta(minutes=10) <= backlog.oldest_pending_age < timedelta(minutes=11)
    assert [message.last_error for message in failed] == ["OperationFailed: hỏng"]


def test_retry_resets_a_failed_row_and_the_worker_then_performs_it(demo, session_factory, flaky):
    message_id = add_message(session_factory, "retry-me")
    for _ in range(MAX_ATTEMPTS):
        with session_factory() as session, transaction(session):
            session.get(OutboxMessage, message_id).next_attempt_at = utcnow()
        perform_due(session_factory)
    with session_factory() as session:
        assert session.get(OutboxMessage, message_id).status == FAILED

    flaky["works"] = True
    with session_factory() as session, transaction(session):
        assert retry_failed(session, demo.actor("quantritinh"), message_id) == 1
    with session_factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts) == (PENDING, 0)
        audit = session.query(AdminAuditEntry).one()
        assert (audit.action, audit.target) == ("outbox_retried", f"outbox:{message_id}")

    assert perform_due(session_factory) == 1
    with session_factory() as session:
        message = session.get(OutboxMessage, message_id)
    assert (message.status, message.result, message.attempts) == (DONE, {"ok": True}, 1)
    assert flaky["calls"] == MAX_ATTEMPTS + 1


def test_retry_all_and_who_may_retry(demo, session_factory):
    ids = [add_message(session_factory, key, status=FAILED) for key in ("x", "y")]
    with pytest.raises(Forbidden), session_factory() as session:
        retry_failed(session, demo.actor("quantri"))
    province_admin = demo.actor("quantritinh")
    with session_factory() as session, transaction(session):
        assert retry_failed(session, province_admin) == 2
    with session_factory() as session:
        assert {session.get(OutboxMessage, i).status for i in ids} == {PENDING}
    with pytest.raises(NotFound), session_factory() as session:
        retry_failed(session, province_admin, ids[0])


def test_a_worker_sweep_performs_the_whole_due_backlog_not_one_batch(session_factory, flaky):
    flaky["works"] = True
    for number in range(45):
        add_message(session_factory, f"row-{number}")
    assert drain_due(session_factory, limit=20) == 45
    with session_factory() as session:
        statuses = session.query(OutboxMessage.status).distinct().all()
    assert statuses == [(DONE,)]
    assert flaky["calls"] == 45
