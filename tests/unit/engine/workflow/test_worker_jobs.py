"""The worker's two jobs: performing outbox rows after commit, and firing due BPMN timers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.contract import Operation, OperationFailed
from connectors.registry import register, unregister
from engine.db import transaction
from engine.dossiers.models import Dossier, DossierEvent
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, PENDING, OutboxMessage
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.tasks.models import OPEN, Task
from engine.users.actor import SYSTEM
from engine.workflow import runtime
from engine.workflow.models import Timer, WorkflowState
from engine.workflow.timers import fire_due_timers
from tests.factories import complete, freeze_clocks, open_task, submit

WAITING_PACKAGE = Path(__file__).parent / "packages" / "waiting_service"


@pytest.fixture
def lookup_connector():
    calls = []

    def perform(payload: dict, key: str, settings: dict) -> dict:
        calls.append((payload, key))
        if payload.get("id_number") == "000000000000":
            raise OperationFailed("nhà cung cấp không phản hồi")
        return {"found": True, "full_name": "Nguyễn Văn An"}

    register(
        Operation(
            "test/lookup",
            "Tra cứu thử nghiệm",
            waits_for_result=True,
            perform=perform,
            parameters=("id_number",),
        )
    )
    yield calls
    unregister("test/lookup")


def publish_waiting_procedure(session_factory) -> None:
    with session_factory() as session, transaction(session):
        publish_package(
            session, SYSTEM, load_package_dir(WAITING_PACKAGE), agency_code="000.00.20.H25"
        )


def submit_waiting(session_factory, citizen, id_number: str) -> int:
    from engine.dossiers.submission import submit_dossier

    with session_factory() as session, transaction(session):
        return submit_dossier(session, citizen, "9.999001", {"id_number": id_number}).id


def test_a_waiting_service_task_resumes_when_the_worker_has_the_result(
    demo, session_factory, lookup_connector
):
    publish_waiting_procedure(session_factory)
    dossier_id = submit_waiting(session_factory, demo.actor("congdan"), "074090001234")

    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.dossier_id == dossier_id)
        ).one()
        assert (row.operation, row.status, row.payload["id_number"]) == (
            "test/lookup",
            PENDING,
            "074090001234",
        )
        assert row.spiff_task_id is not None
        assert session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).count() == 0
    assert lookup_connector == []  # nothing left the step before it committed

    assert perform_due(session_factory) == 1
    assert lookup_connector[0][1] == row.idempotency_key

    task = open_task(session_factory, dossier_id)
    assert task.title == "Kiểm tra kết quả tra cứu"
    with session_factory() as session:
        assert session.get(OutboxMessage, row.id).status == DONE
        assert session.get(Dossier, dossier_id).status == "processing"
        dossier = session.get(Dossier, dossier_id)
        version = dossier.procedure_version
        workflow = runtime.load_workflow(
            version.content_hash, version.spec, session.get(WorkflowState, dossier_id).state
        )
        spiff_task = runtime.find_task(workflow, task.spiff_task_id)
        assert spiff_task.data["lookup"] == {"found": True, "full_name": "Nguyễn Văn An"}
        actions = [e.action for e in session.query(DossierEvent).filter_by(dossier_id=dossier_id)]
        assert actions == ["submitted", "service_completed"]

    assert perform_due(session_factory) == 0


def test_a_failing_call_is_retried_later_and_changes_nothing_else(
    demo, session_factory, lookup_connector
):
    publish_waiting_procedure(session_factory)
    dossier_id = submit_waiting(session_factory, demo.actor("congdan"), "000000000000")

    assert perform_due(session_factory) == 1
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == PENDING and row.attempts == 1
        assert "không phản hồi" in row.last_error
        assert row.next_attempt_at > datetime.now(UTC)
        assert session.get(Dossier, dossier_id).status == "submitted"
    assert perform_due(session_factory) == 0  # not due again yet


def test_notifications_are_handled_by_the_worker(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    assert perform_due(session_factory) == 1
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.operation, row.status) == ("notify/applicant", DONE)


def test_the_processing_reminder_timer_fires_and_notifies_the_leader(
    demo, session_factory, monkeypatch
):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    with session_factory() as session:
        timer = session.get(Timer, dossier_id)
        assert timedelta(hours=23) < timer.due_at - datetime.now(UTC) < timedelta(hours=25)

    assert fire_due_timers(session_factory) == 0

    later = datetime.now(UTC) + timedelta(days=1, hours=1)
    freeze_clocks(monkeypatch, later)
    assert fire_due_timers(session_factory) == 1

    with session_factory() as session:
        reminders = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "notify/leader")
        ).all()
        assert [r.payload["template"] for r in reminders] == ["processing_overdue"]
        assert session.get(Timer, dossier_id) is None
        assert session.get(Dossier, dossier_id).status == "processing"
        # an internal reminder: the history line does not name it to the applicant
        fired = session.scalars(
            select(DossierEvent).where(
                DossierEvent.dossier_id == dossier_id, DossierEvent.action == "timer_fired"
            )
        ).one()
        assert fired.task_title is None
    assert open_task(session_factory, dossier_id, "processing").state == OPEN
