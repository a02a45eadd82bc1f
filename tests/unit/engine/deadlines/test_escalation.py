"""Task targets from the BPMN, warnings through the outbox once each, extensions with Mẫu 04."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.deadlines.escalation import queue_deadline_warnings, sweep_deadline_warnings
from engine.deadlines.extensions import extend_deadline, list_extensions
from engine.demo import PROCESSES_DIR, WARD_CODE
from engine.dossiers.models import Dossier, DossierEvent
from engine.errors import Forbidden
from engine.outbox.models import OutboxMessage
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.users.actor import SYSTEM
from engine.workflow.serialization import SPEC_CACHE
from tests.factories import complete, open_task, submit

TARGET = '<spiffworkflow:property name="targetDuration" value="PT4H" />'


@pytest.fixture
def hours_procedure(demo, session_factory, tmp_path):
    """Khai sinh with a 2-working-day deadline and a 4-hour target on the processing task."""
    package = tmp_path / "khai_sinh"
    shutil.copytree(PROCESSES_DIR / "dang_ky_khai_sinh", package)
    bpmn = (package / "process.bpmn").read_text(encoding="utf-8")
    anchor = '<spiffworkflow:property name="dossierStatus" value="processing" />'
    (package / "process.bpmn").write_text(bpmn.replace(anchor, anchor + TARGET), encoding="utf-8")
    record = json.loads((package / "procedure.json").read_text(encoding="utf-8"))
    record["deadline"] = {"unit": "days", "value": 2}
    (package / "procedure.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    with session_factory() as session, transaction(session):
        publish_package(session, SYSTEM, load_package_dir(package), agency_code=WARD_CODE)
    yield
    # The spec cache is keyed by version id, and ids restart when the next test empties the
    # tables: forget this version so a later test's version 2 is not served our BPMN.
    SPEC_CACHE._entries.clear()


def received_dossier(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    return dossier_id, open_task(session_factory, dossier_id, "processing")


def outbox(session_factory, template: str) -> list[OutboxMessage]:
    with session_factory() as session:
        return [
            row
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if row.payload.get("template") == template
        ]


def test_processing_task_carries_the_bpmn_target_in_working_hours(
    hours_procedure, demo, session_factory
):
    dossier_id, task = received_dossier(demo, session_factory)
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
    assert task.due_at is not None and task.due_at < dossier.due_at
    assert timedelta(hours=4) <= task.due_at - task.created_at  # lunch and nights add time


def test_warnings_are_queued_once_each(hours_procedure, demo, session_factory):
    _, task = received_dossier(demo, session_factory)
    before = task.due_at - timedelta(minutes=30)
    for _ in range(2):
        with session_factory() as session, transaction(session):
            queue_deadline_warnings(session, before)
    soon = outbox(session_factory, "task_due_soon")
    assert [row.payload["task_id"] for row in soon] == [task.id]
    assert soon[0].operation == "notify/officer"

    after = task.due_at + timedelta(minutes=5)
    with session_factory() as session, transaction(session):
        queue_deadline_warnings(session, after)
    with session_factory() as session, transaction(session):
        assert queue_deadline_warnings(session, after) == []
    overdue = outbox(session_factory, "task_overdue")
    assert [(row.operation, row.payload["task_id"]) for row in overdue] == [
        ("notify/leader", task.id)
    ]
    assert sweep_deadline_warnings(session_factory) >= 0


def test_leader_is_warned_a_working_day_before_the_dossier_falls_due(
    hours_procedure, demo, session_factory
):
    dossier_id, _ = received_dossier(demo, session_factory)
    with session_factory() as session:
        due = session.get(Dossier, dossier_id).due_at
    with session_factory() as session, transaction(session):
        queue_deadline_warnings(session, due - timedelta(hours=1))
        queue_deadline_warnings(session, due - timedelta(minutes=30))
    at_risk = outbox(session_factory, "dossier_at_risk")
    assert len(at_risk) == 1 and "Mẫu 04" in at_risk[0].payload["message"]


def test_an_extension_moves_the_due_time_and_sends_the_apology(
    hours_procedure, demo, session_factory
):
    dossier_id, _ = received_dossier(demo, session_factory)
    with session_factory() as session:
        old_due = session.get(Dossier, dossier_id).due_at
    with pytest.raises(Forbidden), session_factory() as session, transaction(session):
        extend_deadline(session, demo.actor("thuly"), dossier_id, reason="x", working_days=1)
    with session_factory() as session, transaction(session):
        extend_deadline(
            session,
            demo.actor("lanhdao"),
            dossier_id,
            reason="Cần xác minh thông tin với cơ sở y tế",
            working_days=2,
        )
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        (extension,) = list_extensions(session, dossier_id)
        events = session.scalars(
            select(DossierEvent.action).where(DossierEvent.dossier_id == dossier_id)
        ).all()
    assert extension.old_due_at == old_due and dossier.due_at == extension.new_due_at > old_due
    assert "deadline_extended" in events
    (apology,) = outbox(session_factory, "apology_extension")
    assert apology.operation == "notify/applicant" and "Mẫu 04" in apology.payload["form"]
    assert apology.payload["new_due_at"] == extension.new_due_at.isoformat()
