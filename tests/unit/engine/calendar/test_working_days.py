"""Working days and deadlines on real Vietnamese calendars (2026 official schedule, 2027 as
the `holidays` package computes it from the Labour Code until the Government announces it)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from engine.calendar import (
    CalendarOverride,
    OverrideKind,
    Timeliness,
    WorkingCalendar,
    calendar_from_session,
)
from engine.configuration.models import ConfigurationGeneration
from engine.db import Base, make_engine, make_session_factory, transaction

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'calendar.db'}")
    # an override's change reaches the steps' cached calendars through the generation row
    tables = [CalendarOverride.__table__, ConfigurationGeneration.__table__]
    Base.metadata.create_all(engine, tables=tables)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


# Holidays as announced for 2026 -------------------------------------------------------------


def test_tet_2026_is_nine_days_off_from_saturday_14_to_sunday_22_february(calendar):
    # Official: civil servants off from Sat 14/2/2026 (27 tháng Chạp) to Sun 22/2/2026 (mùng 6).
    assert [
        d for d in days(date(2026, 2, 12), date(2026, 2, 24)) if not calendar.is_working_day(d)
    ] == days(date(2026, 2, 14), date(2026, 2, 22))
    assert calendar.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_hung_kings_30_april_and_1_may_2026(calendar):
    # Giỗ Tổ (10/3 âm lịch) is Sunday 26/4, made up on Monday 27/4; 30/4 and 1/5 are Thu/Fri.
    off = [d for d in days(date(2026, 4, 24), date(2026, 5, 4)) if not calendar.is_working_day(d)]
    assert off == [
        date(2026, 4, 25),
        date(2026, 4, 26),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 5, 2),
        date(2026, 5, 3),
    ]


def test_national_day_2026_with_the_swapped_monday_and_make_up_saturday(calendar):
    # 2/9 and its extra day (1/9), plus Monday 31/8 swapped with Saturday 22/8.
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert not calendar.is_working_day(date(2026, 9, 1))
    assert not calendar.is_working_day(date(2026, 9, 2))
    assert calendar.is_working_day(date(2026, 9, 3))
    assert calendar.is_working_day(date(2026, 8, 22))
    assert calendar.next_working_day(date(2026, 8, 28)) == date(2026, 9, 3)


def test_calendar_agrees_with_the_holidays_package_on_every_day_of_2026_and_2027(calendar):
    vietnam = holidays.country_holidays("VN", years=[2026, 2027])
    for day in days(date(2026, 1, 1), date(2027, 12, 31)):
        assert calendar.is_working_day(day) == vietnam.is_working_day(day), day


def test_tet_2027_and_labour_day_on_a_saturday(calendar):
    # Not yet announced: the Labour Code days as the package computes them (mùng 1 = Sat 6/2).
    assert not any(calendar.is_working_day(d) for d in days(date(2027, 2, 4), date(2027, 2, 10)))
    assert calendar.is_working_day(date(2027, 2, 11))
    assert not calendar.is_working_day(date(2027, 5, 3))  # 1/5 falls on Saturday


# Overrides --------------------------------------------------------------------------------


def test_new_year_2026_swap_is_only_known_through_overrides():
    # Official Dispatch 12729/VPCP-KGVX: Fri 2/1/2026 off, made up on Sat 10/1/2026;
    # holidays 0.109 does not know it.
    plain = WorkingCalendar()
    assert plain.is_working_day(date(2026, 1, 2))
    assert not plain.is_working_day(date(2026, 1, 10))

    swapped = WorkingCalendar(extra_days_off=[date(2026, 1, 2)], make_up_days=[date(2026, 1, 10)])
    assert not swapped.is_working_day(date(2026, 1, 2))
    assert swapped.is_working_day(date(2026, 1, 10))
    # Received Wed 31/12/2025 10:00, 3 days: 31/12, then (1/1 and 2/1 off) 5/1, 6/1.
    assert swapped.due_at(local(2025, 12, 31, 10), 3) == local(2026, 1, 6, 17)
    assert plain.due_at(local(2025, 12, 31, 10), 3) == local(2026, 1, 5, 17)


def test_make_up_saturday_counts_as_a_working_day_for_deadlines():
    calendar = WorkingCalendar(make_up_days=[date(2026, 3, 7)])
    # Received Fri 6/3 10:00, 2 days: Friday, then the make-up Saturday.
    assert calendar.due_at(local(2026, 3, 6, 10), 2) == local(2026, 3, 7, 17)
    assert calendar.reception_day(local(2026, 3, 6, 17)) == date(2026, 3, 7)


def test_an_override_can_give_back_a_national_holiday():
    calendar = WorkingCalendar(make_up_days=[date(2026, 4, 27)])
    assert calendar.is_working_day(date(2026, 4, 27))


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError):
        WorkingCalendar(extra_days_off=[date(2026, 1, 2)], make_up_days=[date(2026, 1, 2)])


def test_overrides_entered_by_the_admin_apply_to_the_next_calendar(session):
    before = calendar_from_session(session)
    with transaction(session):
        session.add_all(
            [
                CalendarOverride(
                    day=date(2026, 1, 2),
                    kind=OverrideKind.DAY_OFF,
                    reason="Nghỉ Tết Dương lịch, hoán đổi sang thứ Bảy 10/01/2026",
                ),
                CalendarOverride(
                    day=date(2026, 1, 10),
                    kind=OverrideKind.WORKING_DAY,
                    reason="Làm bù cho ngày 02/01/2026 (Công văn 12729/VPCP-KGVX)",
                ),
            ]
        )
    after = calendar_from_session(session, cutoff=time(16, 0))

    assert before.is_working_day(date(2026, 1, 2))
    assert not after.is_working_day(date(2026, 1, 2))
    assert after.is_working_day(date(2026, 1, 10))
    assert after.cutoff == time(16, 0)
    stored = session.query(CalendarOverride).filter_by(day=date(2026, 1, 10)).one()
    assert stored.reason.startswith("Làm bù")
    assert stored.created_at is not None


# Reception and due time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "counts_from"),
    [
        (local(2026, 3, 6, 16, 29), date(2026, 3, 6)),  # Friday before the cut-off
        (local(2026, 3, 6, 16, 30), date(2026, 3, 9)),  # Friday at the cut-off: Monday
        (local(2026, 3, 6, 18, 0), date(2026, 3, 9)),  # Friday evening: Monday
        (local(2026, 3, 8, 10, 0), date(2026, 3, 9)),  # Sunday: Monday
        (local(2026, 3, 9, 6, 0), date(2026, 3, 9)),  # Monday before opening: Monday
        (local(2026, 4, 29, 16, 45), date(2026, 5, 4)),  # eve of 30/4 after the cut-off
        (local(2026, 2, 15, 9, 0), date(2026, 2, 23)),  # online during Tết
    ],
)
def test_reception_day(calendar, received_at, counts_from):
    assert calendar.reception_day(received_at) == counts_from


def test_cutoff_is_configurable():
    assert WorkingCalendar(cutoff=time(17, 0)).reception_day(local(2026, 3, 6, 16, 45)) == date(
        2026, 3, 6
    )


def test_due_at_counts_the_reception_day_as_day_one_and_falls_due_at_17_local(calendar):
    due = calendar.due_at(local(2026, 3, 9, 9, 0), 3)  # Monday 09:00
    assert due == local(2026, 3, 11, 17, 0)  # Wednesday 17:00
    assert due.tzinfo is UTC
    assert due == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)


def test_one_working_day_is_due_the_same_afternoon(calendar):
    assert calendar.due_at(local(2026, 3, 9, 9, 0), 1) == local(2026, 3, 9, 17, 0)


def test_due_at_after_the_cutoff_on_friday(calendar):
    # Friday 16:45 counts from Monday: Mon, Tue, Wed.
    assert calendar.due_at(local(2026, 3, 6, 16, 45), 3) == local(2026, 3, 11, 17, 0)


def test_due_at_across_tet_and_30_april(calendar):
    # Thu 12/2/2026 10:00, 5 days: 12, 13, (Tết) 23, 24, 25 February.
    assert calendar.due_at(local(2026, 2, 12, 10), 5) == local(2026, 2, 25, 17)
    # Fri 24/4/2026 10:00, 3 days: 24, (26-27 Giỗ Tổ) 28, 29 April.
    assert calendar.due_at(local(2026, 4, 24, 10), 3) == local(2026, 4, 29, 17)
    assert calendar.due_at(local(2026, 4, 24, 10), 4) == local(2026, 5, 4, 17)


def test_civil_code_counting_starts_the_day_after_reception():
    calendar = WorkingCalendar(count_reception_day=False)
    assert calendar.due_at(local(2026, 3, 9, 9, 0), 3) == local(2026, 3, 12, 17, 0)


def test_due_time_of_day_is_configurable():
    calendar = WorkingCalendar(closing=time(17, 30))
    assert calendar.due_at(local(2026, 3, 9, 9, 0), 1) == local(2026, 3, 9, 17, 30)


def test_a_utc_evening_is_already_the_next_day_in_vietnam(calendar):
    # 2026-03-06 18:00 UTC is Saturday 01:00 in Hồ Chí Minh City: counts from Monday 9/3.
    received_at = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)
    assert calendar.reception_day(received_at) == date(2026, 3, 9)
    assert calendar.due_at(received_at, 1) == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    # And Sunday 20:00 UTC is Monday 03:00 local: Monday itself.
    assert calendar.reception_day(datetime(2026, 3, 8, 20, 0, tzinfo=UTC)) == date(2026, 3, 9)


def test_naive_datetimes_are_refused(calendar):
    with pytest.raises(ValueError, match="naive"):
        calendar.reception_day(datetime(2026, 3, 9, 9, 0))


def test_a_deadline_has_at_least_one_day(calendar):
    with pytest.raises(ValueError):
        calendar.due_at(local(2026, 3, 9, 9, 0), 0)


# Pauses (supplement requests) -------------------------------------------------------------


def test_pause_over_a_weekend_counts_only_working_days(calendar):
    due = calendar.due_at(local(2026, 3, 9, 9, 0), 5)  # Mon 9/3 -> Fri 13/3 17:00
    # Supplement requested Thu 12/3 10:00, answered Tue 17/3 10:00: Thu, Fri, Mon lost.
    paused_from, paused_until = local(2026, 3, 12, 10), local(2026, 3, 17, 10)
    assert calendar.paused_working_days(paused_from, paused_until) == 3
    extended = calendar.extend_for_pause(due, paused_from, paused_until)
    assert extended == local(2026, 3, 18, 17, 0)
    assert calendar.due_at(local(2026, 3, 9, 9, 0), 5, [(paused_from, paused_until)]) == extended


def test_pause_requested_after_the_cutoff_and_answered_on_saturday_costs_nothing(calendar):
    assert calendar.paused_working_days(local(2026, 3, 6, 16, 45), local(2026, 3, 7, 9)) == 0


def test_pause_within_one_day_costs_nothing(calendar):
    due = local(2026, 3, 13, 17)
    assert calendar.extend_for_pause(due, local(2026, 3, 10, 9), local(2026, 3, 10, 15)) == due


def test_pause_over_tet_skips_the_holidays(calendar):
    # Requested Fri 13/2/2026 09:00, answered Tue 24/2 09:00: Fri 13 and Mon 23 are lost.
    assert calendar.paused_working_days(local(2026, 2, 13, 9), local(2026, 2, 24, 9)) == 2


def test_overlapping_pauses_count_once(calendar):
    received = local(2026, 3, 9, 9, 0)
    pauses = [
        (local(2026, 3, 10, 9), local(2026, 3, 12, 9)),
        (local(2026, 3, 11, 9), local(2026, 3, 13, 9)),
    ]
    assert calendar.due_at(received, 5, pauses) == calendar.due_at(
        received, 5, [(local(2026, 3, 10, 9), local(2026, 3, 13, 9))]
    )
    assert calendar.due_at(received, 5, pauses) == local(2026, 3, 18, 17)


def test_a_pause_cannot_end_before_it_starts(calendar):
    with pytest.raises(ValueError):
        calendar.paused_working_days(local(2026, 3, 12, 10), local(2026, 3, 11, 10))


# Time left and timeliness -----------------------------------------------------------------


def test_time_left_in_working_days(calendar):
    due = local(2026, 3, 11, 17, 0)  # Wednesday
    assert calendar.working_days_between(local(2026, 3, 9, 8, 0), due) == 3
    assert calendar.working_days_between(local(2026, 3, 10, 12, 30), due) == 1.5
    # Friday 17:00 to Monday 17:00 crosses a weekend: one working day.
    assert calendar.working_days_between(local(2026, 3, 6, 17), local(2026, 3, 9, 17)) == 1


def test_time_left_is_negative_when_overdue(calendar):
    due = local(2026, 3, 11, 17, 0)
    assert calendar.working_days_between(local(2026, 3, 12, 12, 30), due) == -0.5
    assert calendar.working_days_between(local(2026, 3, 16, 17, 0), due) == -3


@pytest.mark.parametrize(
    ("finished", "expected", "label"),
    [
        (local(2026, 3, 10, 16, 0), Timeliness.EARLY, "Sớm hạn"),
        (local(2026, 3, 11, 8, 0), Timeliness.ON_TIME, "Đúng hạn"),
        (local(2026, 3, 11, 17, 0), Timeliness.ON_TIME, "Đúng hạn"),
        (local(2026, 3, 11, 17, 1), Timeliness.LATE, "Trễ hạn"),
        (local(2026, 3, 12, 9, 0), Timeliness.LATE, "Trễ hạn"),
    ],
)
def test_classify(calendar, finished, expected, label):
    result = calendar.classify(local(2026, 3, 11, 17, 0), finished)
    assert result == expected
    assert result.label == label


def test_classify_uses_the_local_day_not_the_utc_day(calendar):
    due = local(2026, 3, 11, 17, 0)
    # 2026-03-10 20:00 UTC is Wednesday 03:00 local: the due day, so on time, not early.
    assert calendar.classify(due, datetime(2026, 3, 10, 20, 0, tzinfo=UTC)) == "on_time"
