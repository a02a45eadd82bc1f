"""Time left on a row: working days on the dossier's clock, coloured by how near the due time is."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from engine.calendar.working_days import WorkingCalendar
from engine.tasks.due_state import Urgency, end_of_local_day, one_working_day_later, time_left
from engine.timestamps import LOCAL_TZ

CALENDAR = WorkingCalendar()


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("now", "limit"),
    [
        (local(2026, 12, 2, 10, 0), local(2026, 12, 3, 10, 0)),  # Wednesday in office hours
        (local(2026, 12, 4, 15, 0), local(2026, 12, 7, 15, 0)),  # Friday: the weekend is skipped
        (local(2026, 12, 2, 18, 30), local(2026, 12, 3, 17, 0)),  # after closing
        (local(2026, 12, 2, 7, 0), local(2026, 12, 2, 17, 0)),  # before opening
        (local(2026, 12, 5, 11, 0), local(2026, 12, 7, 17, 0)),  # Saturday
        (local(2026, 4, 29, 9, 0), local(2026, 5, 4, 9, 0)),  # 30/4 and 1/5 are holidays
    ],
)
def test_one_working_day_later_is_one_day_of_office_hours(now, limit):
    assert one_working_day_later(CALENDAR, now) == limit
    assert CALENDAR.working_days_between(now, limit) == pytest.approx(1.0)


def dossier(due_at=None, paused_at=None):
    return SimpleNamespace(due_at=due_at, paused_at=paused_at)


def test_rows_say_how_many_working_days_are_left_or_late():
    now = local(2026, 12, 2, 12, 30)  # Wednesday, half an office day gone
    on_track = time_left(dossier(local(2026, 12, 7, 17, 0)), now, CALENDAR)
    assert on_track.urgency == Urgency.ON_TRACK
    assert on_track.text == "Còn 3,5 ngày làm việc"

    soon = time_left(dossier(local(2026, 12, 3, 12, 30)), now, CALENDAR)
    assert soon.urgency == Urgency.DUE_SOON and soon.text == "Còn 1,0 ngày làm việc"
    assert time_left(dossier(local(2026, 12, 3, 12, 31)), now, CALENDAR).urgency == "on_track"

    late = time_left(dossier(local(2026, 12, 1, 17, 0)), now, CALENDAR)
    assert late.urgency == Urgency.OVERDUE and late.text == "Quá hạn 0,5 ngày làm việc"


def test_a_paused_clock_shows_paused_whatever_the_due_time():
    now = local(2026, 12, 2, 12, 30)
    paused = time_left(dossier(local(2026, 11, 1, 17, 0), now), now, CALENDAR)
    assert paused.urgency == Urgency.PAUSED and paused.text == "Tạm dừng"
    assert time_left(dossier(), now, CALENDAR).text == "Chưa tính hạn"


def test_end_of_day_is_local_midnight():
    assert end_of_local_day(CALENDAR, local(2026, 12, 2, 23, 59)) == local(2026, 12, 3, 0, 0)


def test_open_tasks_follow_the_dossier_clock_through_reception_and_a_supplement(
    demo, session_factory, monkeypatch
):
    from datetime import timedelta

    import engine.dossiers.step as step
    from engine.dossiers.models import Dossier
    from tests.factories import complete, open_task, submit

    citizen, processing = demo.actor("congdan"), demo.actor("thuly")
    dossier_id, _ = submit(session_factory, citizen)
    assert open_task(session_factory, dossier_id).due_at is None
    reception_task = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), reception_task.id, {"decision": "accept"})
    with session_factory() as session:
        received_due = session.get(Dossier, dossier_id).due_at
    assert open_task(session_factory, dossier_id, "processing").due_at == received_due

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
    assert open_task(session_factory, dossier_id, "applicant").due_at is None

    later = step.utcnow() + timedelta(days=10)
    monkeypatch.setattr(step, "utcnow", lambda: later)
    complete(
        session_factory,
        citizen,
        open_task(session_factory, dossier_id, "applicant").id,
        {"processing_supplement_note": "Đã nộp bản chính giấy chứng sinh."},
    )
    with session_factory() as session:
        moved_due = session.get(Dossier, dossier_id).due_at
    assert moved_due > received_due
    assert open_task(session_factory, dossier_id, "processing").due_at == moved_due
