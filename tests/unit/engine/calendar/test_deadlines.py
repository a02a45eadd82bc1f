"""Hour deadlines in working windows, late-reception rules and task targets across 2026 holidays."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import Deadline, TargetDuration, WorkingCalendar, deadline_from_record
from engine.calendar.deadlines import parse_target_duration
from engine.calendar.working_days import DEFAULT_AGENCY_WINDOWS

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MAKE_UP_SATURDAY = date(2026, 3, 7)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(windows=DEFAULT_AGENCY_WINDOWS, make_up_days=[MAKE_UP_SATURDAY])


def test_four_working_hours_from_the_last_friday_before_tet(calendar):
    # Friday 13/2/2026 15:00-17:00 is 2 hours; Tết runs 14-22/2; Monday 23/2 07:30-09:30.
    due = calendar.deadline_due_at(local(2026, 2, 13, 15, 0), Deadline("hours", 4))
    assert due == local(2026, 2, 23, 9, 30)


def test_hours_skip_the_lunch_break(calendar):
    due = calendar.deadline_due_at(local(2026, 3, 10, 10, 30), Deadline("hours", 2))
    assert due == local(2026, 3, 10, 14, 30)


def test_a_make_up_saturday_counts_as_working_time(calendar):
    due = calendar.deadline_due_at(local(2026, 3, 6, 16, 0), Deadline("hours", 4))
    assert due == local(2026, 3, 7, 10, 30)
    assert WorkingCalendar(windows=DEFAULT_AGENCY_WINDOWS).deadline_due_at(
        local(2026, 3, 6, 16, 0), Deadline("hours", 4)
    ) == local(2026, 3, 9, 10, 30)


def test_received_after_15_00_is_due_next_working_day_at_10_00(calendar):
    rule = Deadline("days", 1, late_after=time(15, 0), late_due_at=time(10, 0))
    # Wednesday 29/4/2026 15:30: 30/4 and 1/5 are holidays, then the weekend.
    assert calendar.deadline_due_at(local(2026, 4, 29, 15, 30), rule) == local(2026, 5, 4, 10, 0)
    # Before 15:00 the day itself counts: due at 17:00.
    assert calendar.deadline_due_at(local(2026, 4, 29, 14, 59), rule) == local(2026, 4, 29, 17)


def test_days_deadline_across_national_day(calendar):
    assert not calendar.is_working_day(date(2026, 9, 2))
    due = calendar.deadline_due_at(local(2026, 8, 31, 9, 0), Deadline("days", 3))
    days_counted = [
        day
        for day in (date(2026, 8, 31) + timedelta(days=n) for n in range(10))
        if calendar.is_working_day(day) and day <= due.astimezone(HCM).date()
    ]
    assert len(days_counted) == 3 and due.astimezone(HCM).time() == time(17, 0)


def test_a_pause_moves_an_hours_deadline_by_the_working_time_lost(calendar):
    deadline = Deadline("hours", 4)
    received = local(2026, 3, 10, 8, 0)
    # paused 09:00-14:30 loses 2.5 h + 1 h of work: 14:00 + 3.5 h = 17:00, then 07:30-08:00
    paused = [(local(2026, 3, 10, 9, 0), local(2026, 3, 10, 14, 30))]
    assert calendar.deadline_due_at(received, deadline) == local(2026, 3, 10, 14, 0)
    assert calendar.deadline_due_at(received, deadline, paused) == local(2026, 3, 11, 8, 0)


def test_procedure_record_sets_deadline_per_channel():
    record = {
        "deadline_working_days": 5,
        "deadline": {
            "unit": "days",
            "value": 5,
            "channels": {"online": {"unit": "hours", "value": 8}},
            "late_reception": {"after": "15:00", "due_next_working_day_at": "10:00"},
        },
    }
    assert deadline_from_record(record, 1) == Deadline("days", 5, time(15), time(10))
    assert deadline_from_record(record, 2) == Deadline("hours", 8, time(15), time(10))
    assert deadline_from_record({"deadline_working_days": 3}, 2) == Deadline("days", 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1D", TargetDuration(1, 0)),
        ('"PT4H"', TargetDuration(0, 4)),
        ("P2DT1H30M", TargetDuration(2, 1.5)),
        ("1 day", None),
        ("", None),
    ],
)
def test_target_durations(text, expected):
    assert parse_target_duration(text) == expected


def test_task_target_counts_working_days_then_hours(calendar):
    # Created Friday 13/2 16:00 with P1D: next working day after Tết, same time.
    assert calendar.target_at(local(2026, 2, 13, 16, 0), TargetDuration(days=1)) == local(
        2026, 2, 23, 16, 0
    )
    # Created on a Sunday: counts from Monday's opening.
    assert calendar.target_at(local(2026, 3, 8, 12, 0), TargetDuration(hours=4)) == local(
        2026, 3, 9, 11, 30
    )


def test_windows_must_not_overlap():
    with pytest.raises(ValueError):
        WorkingCalendar(windows=[(time(8), time(12)), (time(11), time(17))])
