"""Properties of deadlines over random reception times (needs hypothesis, a dev dependency)."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("hypothesis")

from hypothesis import given
from hypothesis import strategies as st

from engine.calendar import WorkingCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
deadlines = st.integers(min_value=1, max_value=60)


@given(received_at=moments, working_days=deadlines)
def test_due_at_is_always_closing_time_of_a_working_day(received_at, working_days):
    calendar = WorkingCalendar()
    due = calendar.due_at(received_at, working_days).astimezone(HCM)
    assert calendar.is_working_day(due.date())
    assert due.time() == time(17, 0)
    assert due > received_at


@given(received_at=moments, working_days=deadlines)
def test_one_more_day_is_exactly_one_working_day_later(received_at, working_days):
    calendar = WorkingCalendar()
    due = calendar.due_at(received_at, working_days)
    later = calendar.due_at(received_at, working_days + 1)
    assert later > due
    assert calendar.working_days_between(due, later) == 1


@given(received_at=moments, working_days=deadlines, pause=st.tuples(moments, moments))
def test_a_pause_never_brings_the_due_time_forward(received_at, working_days, pause):
    calendar = WorkingCalendar()
    paused_from, paused_until = sorted(pause)
    due = calendar.due_at(received_at, working_days)
    assert calendar.extend_for_pause(due, paused_from, paused_until) >= due


@given(received_at=moments)
def test_reception_day_is_a_working_day_on_or_after_the_local_day(received_at):
    calendar = WorkingCalendar()
    day = calendar.reception_day(received_at)
    assert calendar.is_working_day(day)
    assert day >= received_at.astimezone(HCM).date()
