"""A dossier's whole life through the service layer, and the step's guarantees."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.calendar.working_days import WorkingCalendar
from engine.db import transaction
from engine.dossiers.models import Dossier, DossierEvent
from engine.errors import Conflict, InvalidInput, NotFound
from engine.outbox.models import OutboxMessage
from engine.tasks.completion import complete_task
from engine.tasks.models import CANCELLED, COMPLETED, OPEN, Task
from engine.timestamps import LOCAL_TZ
from engine.workflow.models import WorkflowState
from tests.factories import birth_application, complete, open_task, submit

CODE = re.compile(r"^000\.00\.20\.H25-\d{6}-\d{4}$")


def dossier(session_factory, dossier_id) -> Dossier:
    with session_factory() as session:
        return session.get(Dossier, dossier_id)


# A birth registration takes one working day: received on Tuesday 10:00, it is due Tuesday
# 17:00, so the result signed the same morning is on time (đúng hạn), not early.
@time_machine.travel(datetime(2026, 12, 8, 10, 0, tzinfo=LOCAL_TZ), tick=True)
def test_full_lifecycle(demo, session_factory):
    citizen, reception = demo.actor("congdan"), demo.actor("motcua")
    processing, leader = demo.actor("thuly"), demo.actor("lanhdao")

    dossier_id, code = submit(session_factory, citizen)
    assert CODE.match(code)
    submitted = dossier(session_factory, dossier_id)
    assert (submitted.status, submitted.national_status) == ("submitted", 1)
    assert submitted.applicant_name == "Nguyễn Văn An"
    assert submitted.received_at is None

    task = open_task(session_factory, dossier_id)
    assert (task.role, task.title) == ("reception", "Tiếp nhận hồ sơ")
    complete(session_factory, reception, task.id, {"decision": "accept"})
    received = dossier(session_factory, dossier_id)
    assert (received.status, received.national_status) == ("processing", 4)
    assert received.received_at is not None
    assert received.due_at == datetime(2026, 12, 8, 17, 0, tzinfo=LOCAL_TZ)

    complete(
        session_factory,
        processing,
        open_task(session_factory, dossier_id, "processing").id,
        {"verification_note": "Hồ sơ đầy đủ, hợp lệ.", "proposal": "propose_approve"},
    )
    assert dossier(session_factory, dossier_id).status == "awaiting_approval"

    complete(
        session_factory,
        leader,
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    ready = dossier(session_factory, dossier_id)
    assert (ready.status, ready.national_status) == ("result_ready", 9)
    assert ready.finished_at is not None and ready.timing == "on_time"

    complete(
        session_factory,
        reception,
        open_task(session_factory, dossier_id, "reception").id,
        {"return_channel": "counter", "returned_to": "Nguyễn Văn An"},
    )
    returned = dossier(session_factory, dossier_id)
    assert (returned.status, returned.national_status) == ("returned", 10)
    assert returned.returned_at is not None

    with session_factory() as session:
        history = session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.id)
        ).all()
        assert [(e.from_status, e.to_status) for e in history] == [
            (None, "submitted"),
            ("submitted", "processing"),
            ("processing", "awaiting_approval"),
            ("awaiting_approval", "result_ready"),
            ("result_ready", "returned"),
        ]
        assert [e.actor_name for e in history][1:] == [
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Trần Thị Bình",
        ]
        notices = session.scalars(
            select(OutboxMessage).where(OutboxMessage.dossier_id == dossier_id)
        ).all()
        assert [(n.operation, n.payload["template"]) for n in notices] == [
            ("notify/applicant", "received"),
            ("notify/applicant", "result_ready"),
            ("notify/applicant", "returned"),
        ]
        assert session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).count() == 0


def test_refused_at_reception_never_starts_the_clock(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    complete(
        session_factory,
        demo.actor("motcua"),
        task.id,
        {"decision": "refuse", "reason": "Thủ tục không thuộc thẩm quyền của phường."},
    )
    refused = dossier(session_factory, dossier_id)
    assert (refused.status, refused.national_status) == ("refused", 3)
    assert refused.received_at is None and refused.due_at is None


def test_bad_form_data_gives_field_errors_and_changes_nothing(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    with pytest.raises(InvalidInput) as refused:
        complete(session_factory, demo.actor("motcua"), task.id, {"decision": "maybe"})
    assert "decision" in refused.value.field_errors
    assert open_task(session_factory, dossier_id).version == task.version
    assert dossier(session_factory, dossier_id).status == "submitted"


def test_bad_application_is_refused_with_vietnamese_messages(demo, session_factory):
    with pytest.raises(InvalidInput) as refused:
        submit(
            session_factory,
            demo.actor("congdan"),
            birth_application(applicant_id_number="12345", child_full_name=""),
        )
    errors = refused.value.field_errors
    assert "12" in errors["applicant_id_number"]
    assert "child_full_name" in errors
    with session_factory() as session:
        assert session.query(Dossier).count() == 0


def test_completing_a_task_twice_is_a_clear_conflict(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
    with pytest.raises(Conflict) as conflict:
        complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
    assert "đã được người khác xử lý" in conflict.value.message


def test_stale_task_version_is_a_conflict(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    with pytest.raises(Conflict):
        complete(
            session_factory,
            demo.actor("motcua"),
            task.id,
            {"decision": "accept"},
            expected_version=task.version + 1,
        )


def test_officer_of_another_agency_can_neither_see_nor_complete(demo, session_factory):
    from engine.agencies.models import Agency
    from engine.users.actor import load_actor
    from engine.users.models import RoleAssignment, User

    with session_factory() as session, transaction(session):
        other = Agency(code="000.00.21.H25", name="UBND phường Hiệp Thành", level="commune")
        session.add(other)
        session.flush()
        stranger = User(username="khac", full_name="Cán bộ phường khác", kind="officer")
        stranger.roles = [RoleAssignment(role="reception", agency_id=other.id)]
        session.add(stranger)
        session.flush()
        stranger_actor = load_actor(session, stranger.id)

    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    from engine.dossiers.queries import get_dossier
    from engine.tasks.queries import list_inbox

    reception = demo.actor("motcua")
    with session_factory() as session:
        assert list_inbox(session, stranger_actor) == []
        assert [t.id for t in list_inbox(session, reception)] == [task.id]
        with pytest.raises(NotFound):
            get_dossier(session, stranger_actor, code)
        session.rollback()
    with pytest.raises(NotFound):
        complete(session_factory, stranger_actor, task.id, {"decision": "accept"})
    assert open_task(session_factory, dossier_id).state == OPEN


def test_exception_after_the_engine_step_leaves_no_trace(demo, session_factory, monkeypatch):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    with session_factory() as session:
        state_before = session.get(WorkflowState, dossier_id).state
        events_before = session.query(DossierEvent).count()

    import engine.dossiers.step as step

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(step, "_enqueue_service_calls", explode)
    with pytest.raises(RuntimeError), session_factory() as session, transaction(session):
        complete_task(session, demo.actor("motcua"), task.id, {"decision": "accept"})

    with session_factory() as session:
        assert session.get(WorkflowState, dossier_id).state == state_before
        assert session.query(DossierEvent).count() == events_before
        assert session.get(Task, task.id).state == OPEN
        assert session.get(Dossier, dossier_id).status == "submitted"
        assert session.query(OutboxMessage).count() == 0


def test_reception_supplement_loop_keeps_the_dossier_unreceived(demo, session_factory):
    citizen, reception = demo.actor("congdan"), demo.actor("motcua")
    dossier_id, _ = submit(session_factory, citizen)
    complete(
        session_factory,
        reception,
        open_task(session_factory, dossier_id).id,
        {"decision": "supplement", "missing_documents": "Giấy chứng sinh (bản chính)."},
    )
    waiting = dossier(session_factory, dossier_id)
    assert (waiting.status, waiting.national_status) == ("supplement_requested", 5)
    applicant_task = open_task(session_factory, dossier_id)
    assert applicant_task.role == "applicant" and applicant_task.agency_id is None

    with pytest.raises(NotFound):
        complete(session_factory, reception, applicant_task.id, {"supplement_note": "x"})
    complete(
        session_factory,
        citizen,
        applicant_task.id,
        {"supplement_note": "Đã bổ sung giấy chứng sinh."},
    )
    back = dossier(session_factory, dossier_id)
    assert back.status == "submitted" and back.received_at is None
    assert open_task(session_factory, dossier_id).role == "reception"
    with session_factory() as session:
        states = {t.state for t in session.query(Task).filter_by(dossier_id=dossier_id)}
        assert states == {COMPLETED, OPEN}
        assert CANCELLED not in states


def test_supplement_during_processing_stops_the_clock(demo, session_factory, monkeypatch):
    from datetime import timedelta

    import engine.dossiers.step as step

    citizen, reception, processing = (
        demo.actor("congdan"),
        demo.actor("motcua"),
        demo.actor("thuly"),
    )
    dossier_id, _ = submit(session_factory, citizen)
    complete(
        session_factory,
        reception,
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    received = dossier(session_factory, dossier_id)

    complete(
        session_factory,
        processing,
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Thiếu giấy chứng sinh bản chính.",
            "proposal": "request_supplement",
            "processing_missing_documents": "Giấy chứng sinh (bản chính).",
        },
    )
    paused = dossier(session_factory, dossier_id)
    assert (paused.status, paused.national_status) == ("supplement_requested", 5)
    assert paused.paused_at is not None

    # The applicant answers ten days later: the due time moves on by the working days waited.
    later = paused.paused_at + timedelta(days=10)
    monkeypatch.setattr(step, "utcnow", lambda: later)
    complete(
        session_factory,
        citizen,
        open_task(session_factory, dossier_id, "applicant").id,
        {"processing_supplement_note": "Đã nộp bản chính giấy chứng sinh."},
    )
    resumed = dossier(session_factory, dossier_id)
    assert resumed.status == "processing" and resumed.paused_at is None
    assert resumed.paused_seconds == 10 * 24 * 3600
    # as many working days later as were spent waiting (a fixed +10 calendar days held only
    # when the ten days held no more weekend days than the days the due time moved over)
    calendar = WorkingCalendar()
    waited = calendar.paused_working_days(paused.paused_at, later)
    assert waited >= 6
    assert calendar.working_days_between(received.due_at, resumed.due_at) == waited
    assert resumed.received_at == received.received_at
