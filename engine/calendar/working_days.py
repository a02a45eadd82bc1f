"""Working days and legal deadlines (ngày làm việc, thời hạn giải quyết).

Every deadline a dossier carries is counted in working days of the public sector in Vietnam:
Monday to Friday, minus the Labour Code holidays (Tết Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng
Vương, 30/4, 1/5, 2/9 and its extra day) and the compensatory and swapped days the `holidays`
package knows, corrected by the administrator's `CalendarOverride` rows for what the Government
announces later. Days are local days in Asia/Ho_Chi_Minh; every datetime going in must be
timezone-aware, and every datetime coming out is aware and in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.models import CalendarOverride, OverrideKind

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: a dossier received at or after this local time counts from the next working day
DEFAULT_CUTOFF = time(16, 30)
#: office hours; `DEFAULT_CLOSING` is also the time of day a deadline falls due
DEFAULT_OPENING = time(8, 0)
DEFAULT_CLOSING = time(17, 0)
#: no real calendar has a year without a working day; stop rather than loop on bad overrides
_MAX_DAYS_WITHOUT_WORK = 366

Pause = tuple[datetime, datetime]


class Timeliness(StrEnum):
    """How a finished dossier compares with its due time (sớm hạn / đúng hạn / trễ hạn)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return _TIMELINESS_LABELS[self]


_TIMELINESS_LABELS = {
    Timeliness.EARLY: "Sớm hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Trễ hạn",
}


@lru_cache(maxsize=256)
def _national_calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Days off and make-up working Saturdays/Sundays the `holidays` package knows for a year.

    Building a year costs about a millisecond (lunar calendar); the cache makes every later
    lookup a set membership test, shared by all calendars in the process.
    """
    vietnam = holidays.country_holidays("VN", years=year)
    days_off = frozenset(vietnam)
    make_up_days = frozenset(day for day in vietnam.weekend_workdays if day.year == year)
    return days_off, make_up_days


class WorkingCalendar:
    """The working days of one deployment and the deadline rules counted on them.

    Build it with `calendar_from_session` in the application; tests build it directly.
    Settings:
    - `extra_days_off`, `make_up_days`: the overrides; they win over weekends and holidays.
    - `cutoff`: reception time after which a dossier counts from the next working day.
    - `opening`, `closing`: office hours; a deadline falls due at `closing` of its last day, and
      `working_days_between` measures fractions of a day against these hours.
    - `count_reception_day`: see `due_at`.
    """

    def __init__(
        self,
        *,
        extra_days_off: Iterable[date] = (),
        make_up_days: Iterable[date] = (),
        timezone: ZoneInfo = VIETNAM_TZ,
        cutoff: time = DEFAULT_CUTOFF,
        opening: time = DEFAULT_OPENING,
        closing: time = DEFAULT_CLOSING,
        count_reception_day: bool = True,
    ):
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_days = frozenset(make_up_days)
        if both := self.extra_days_off & self.make_up_days:
            raise ValueError(f"days both off and working: {sorted(both)}")
        if not opening < closing:
            raise ValueError("office hours must open before they close")
        if cutoff > closing:
            raise ValueError("the reception cut-off cannot be later than closing time")
        self.timezone = timezone
        self.cutoff = cutoff
        self.opening = opening
        self.closing = closing
        self.count_reception_day = count_reception_day

    def is_working_day(self, day: date) -> bool:
        """Overrides first, then the national holidays, then Saturday and Sunday."""
        if day in self.make_up_days:
            return True
        if day in self.extra_days_off:
            return False
        days_off, make_up_days = _national_calendar(day.year)
        if day in days_off:
            return False
        return day.weekday() < 5 or day in make_up_days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_DAYS_WITHOUT_WORK + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within a year after {day.isoformat()}")

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (`day` itself when `count` is 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def reception_day(self, received_at: datetime) -> date:
        """The working day a dossier's deadline counts from.

        Received on a working day before the cut-off: that day. Received at or after the
        cut-off, or on a day off (weekend, holiday, online at night before a holiday): the next
        working day, as the one-stop could not have handled it that day.
        """
        local = self._local(received_at)
        if self.is_working_day(local.date()) and local.time() < self.cutoff:
            return local.date()
        return self.next_working_day(local.date())

    def due_at(
        self, received_at: datetime, working_days: int, pauses: Iterable[Pause] = ()
    ) -> datetime:
        """The legal due time of a dossier with a deadline of `working_days` working days.

        The rule: the reception day is day 1, and the deadline falls due at closing time
        (17:00 local) of day N. A 3-working-day procedure received Monday 09:00 is due Wednesday
        17:00; received Monday 16:45 (after the cut-off) it counts from Tuesday and is due
        Thursday 17:00. This is what the one-stop prints on the receipt and what citizens expect
        from "trả kết quả trong N ngày làm việc"; a procedure "giải quyết trong ngày" is then
        simply 1 working day. The Civil Code (art. 147, 148) would instead start the day after
        the event and end at the close of day N; set `count_reception_day=False` for that.

        `pauses` are the (from, until) periods the clock stood still for supplement requests;
        see `extend_for_pause`. Overlapping periods are merged so no day counts twice.
        """
        if working_days < 1:
            raise ValueError("a deadline has at least one working day")
        first_day = self.reception_day(received_at)
        offset = working_days - 1 if self.count_reception_day else working_days
        due = self._at(self.add_working_days(first_day, offset), self.closing)
        for paused_from, paused_until in _merged(pauses):
            due = self.extend_for_pause(due, paused_from, paused_until)
        return due

    def paused_working_days(self, paused_from: datetime, paused_until: datetime) -> int:
        """Whole working days the clock stood still between a supplement request and its answer.

        Both ends are read like a reception: the clock stops on the reception day of the
        request and restarts on the reception day of the supplement, and every working day from
        the first up to (not including) the second is lost. So a pause and its answer on the
        same day cost nothing, a request on Friday morning answered on Monday costs Friday, and
        weekends and holidays in between never count. Whole days, not hours, because deadlines
        are stated and printed in whole working days.
        """
        if paused_until < paused_from:
            raise ValueError("a pause cannot end before it starts")
        day = self.reception_day(paused_from)
        restarted = self.reception_day(paused_until)
        lost = 0
        while day < restarted:
            lost += 1
            day = self.next_working_day(day)
        return lost

    def extend_for_pause(
        self, due: datetime, paused_from: datetime, paused_until: datetime
    ) -> datetime:
        """`due` moved later by the working days lost to one pause, at the same time of day."""
        lost = self.paused_working_days(paused_from, paused_until)
        local_due = self._local(due)
        return self._at(self.add_working_days(local_due.date(), lost), local_due.time())

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """Working time from `start` to `end`, in working days; negative when `end` is earlier.

        Each working day contributes the share of its office hours (opening to closing) that
        falls between the two times, so "now" to a due time gives the time left (2.5 = two and a
        half working days) and a due time to "now" after it gives the delay.
        """
        if end < start:
            return -self.working_days_between(end, start)
        start_local, end_local = self._local(start), self._local(end)
        worked = timedelta()
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opening, tzinfo=self.timezone)
                closes = datetime.combine(day, self.closing, tzinfo=self.timezone)
                overlap = min(closes, end_local) - max(opens, start_local)
                worked += max(overlap, timedelta())
            day += timedelta(days=1)
        office_day = datetime.combine(date.min, self.closing) - datetime.combine(
            date.min, self.opening
        )
        return worked / office_day

    def classify(self, due: datetime, finished: datetime) -> Timeliness:
        """Early, on time or late, as the statistics count a finished dossier.

        Early: finished on a local day before the due day. On time: finished on the due day, no
        later than the due time. Late: after the due time. A dossier due Wednesday 17:00 and
        finished Tuesday is early, Wednesday 16:59 on time, Wednesday 17:01 late.
        """
        if self._local(finished).date() < self._local(due).date():
            return Timeliness.EARLY
        if finished <= due:
            return Timeliness.ON_TIME
        return Timeliness.LATE

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware one")
        return moment.astimezone(self.timezone)

    def _at(self, day: date, time_of_day: time) -> datetime:
        return datetime.combine(day, time_of_day, tzinfo=self.timezone).astimezone(UTC)


def _merged(pauses: Iterable[Pause]) -> list[Pause]:
    merged: list[Pause] = []
    for paused_from, paused_until in sorted(pauses):
        if merged and paused_from <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], paused_until))
        else:
            merged.append((paused_from, paused_until))
    return merged


def calendar_from_session(session: Session, **settings) -> WorkingCalendar:
    """The calendar with the administrator's current overrides; `settings` as `WorkingCalendar`.

    One small query, so build it once per step: an override entered now applies to every
    deadline computed from then on (deadlines already stored are not recomputed here).
    """
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
    return WorkingCalendar(
        extra_days_off=[day for day, kind in rows if kind == OverrideKind.DAY_OFF],
        make_up_days=[day for day, kind in rows if kind == OverrideKind.WORKING_DAY],
        **settings,
    )
