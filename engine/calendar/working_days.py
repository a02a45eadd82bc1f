"""Working days and legal deadlines (ngày làm việc, thời hạn giải quyết).

Every deadline a dossier carries is counted in working days of the public sector in Vietnam:
Monday to Friday, minus the Labour Code holidays (Tết Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng
Vương, 30/4, 1/5, 2/9 and its extra day) and the compensatory and swapped days the `holidays`
package knows, corrected by the administrator's `CalendarOverride` rows for what the Government
announces later. Days are local days in Asia/Ho_Chi_Minh; every datetime going in must be
timezone-aware, and every datetime coming out is aware and in UTC.

Working time inside a day is the agency's working windows (07:30-11:30 and 13:30-17:00 unless
the agency's `AgencyWorkingWindow` rows say otherwise): hour deadlines ("4 giờ làm việc") and
BPMN task targets are counted in them. This module is the one calendar service: dossier due
times, task targets, pauses and extensions are all computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import (
    CTE,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    Time,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from engine.calendar.deadlines import DAYS, Deadline, TargetDuration
from engine.calendar.models import (
    AgencyReceptionCutoff,
    AgencyWorkingWindow,
    CalendarOverride,
    OverrideKind,
)
from engine.configuration.cache import cached

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: a dossier received at or after this local time counts from the next working day
DEFAULT_CUTOFF = time(16, 30)
#: office hours; `DEFAULT_CLOSING` is also the time of day a deadline falls due
DEFAULT_OPENING = time(8, 0)
DEFAULT_CLOSING = time(17, 0)
#: an agency's working windows when it has no rows of its own (nor has any parent agency)
DEFAULT_AGENCY_WINDOWS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
#: no real calendar has a year without a working day; stop rather than loop on bad overrides
_MAX_DAYS_WITHOUT_WORK = 366

Pause = tuple[datetime, datetime]
Window = tuple[time, time]


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
    - `windows`: the working windows of a day, e.g. 07:30-11:30 and 13:30-17:00; hour deadlines
      and task targets count inside them. Without it the one window is `opening`-`closing`;
      with it `opening` and `closing` default to the first window's start and last one's end.
    - `count_reception_day`: see `due_at`.
    """

    def __init__(
        self,
        *,
        extra_days_off: Iterable[date] = (),
        make_up_days: Iterable[date] = (),
        timezone: ZoneInfo = VIETNAM_TZ,
        cutoff: time = DEFAULT_CUTOFF,
        opening: time | None = None,
        closing: time | None = None,
        windows: Sequence[Window] | None = None,
        count_reception_day: bool = True,
    ):
        if windows:
            opening = opening or windows[0][0]
            closing = closing or windows[-1][1]
        opening, closing = opening or DEFAULT_OPENING, closing or DEFAULT_CLOSING
        self.windows = tuple(sorted(windows)) if windows else ((opening, closing),)
        for (start, end), (next_start, _) in zip(
            self.windows, (*self.windows[1:], (time.max, time.max)), strict=True
        ):
            if not start < end <= next_start:
                raise ValueError("working windows must be ordered and must not overlap")
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
        return self.working_time_between(start, end) / self.working_day_length

    @property
    def working_day_length(self) -> timedelta:
        """The working time of one working day: the sum of its windows (7.5 h by default)."""
        return sum((_length(window) for window in self.windows), timedelta())

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside the windows from `start` to `end`; negative when `end` is earlier."""
        if end < start:
            return -self.working_time_between(end, start)
        start_local, end_local = self._local(start), self._local(end)
        worked = timedelta()
        day = start_local.date()
        while day <= end_local.date():
            for opens, closes in self._windows_of(day):
                overlap = min(closes, end_local) - max(opens, start_local)
                worked += max(overlap, timedelta())
            day += timedelta(days=1)
        return worked

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`, counted inside the windows.

        Four working hours from Friday 15:00 are Friday 15:00-17:00 and Monday 07:30-09:30, so
        Monday 09:30. A start outside the windows counts from the next window's opening.
        """
        if duration < timedelta():
            raise ValueError("working time to add must not be negative")
        left = duration
        day = self._local(start).date()
        for _ in range(_MAX_DAYS_WITHOUT_WORK * 2):
            for opens, closes in self._windows_of(day):
                begin = max(opens, self._local(start))
                if begin >= closes:
                    continue
                if begin + left <= closes:
                    return (begin + left).astimezone(UTC)
                left -= closes - begin
            day += timedelta(days=1)
        raise ValueError(f"no working time left within two years after {start.isoformat()}")

    def deadline_due_at(
        self, received_at: datetime, deadline: Deadline, pauses: Iterable[Pause] = ()
    ) -> datetime:
        """The due time of a dossier under a procedure's `Deadline` (days or hours, rules).

        The late-reception rule wins when it applies: received on a working day at or after
        `late_after`, the dossier is due the next working day at `late_due_at`. Otherwise days
        count as `due_at` does and hours count inside the working windows from reception.
        """
        local = self._local(received_at)
        if (
            deadline.late_after is not None
            and self.is_working_day(local.date())
            and local.time() >= deadline.late_after
        ):
            due = self._at(self.next_working_day(local.date()), deadline.late_due_at)
        elif deadline.unit == DAYS:
            return self.due_at(received_at, int(deadline.value), pauses)
        else:
            due = self.add_working_time(received_at, timedelta(hours=deadline.value))
        for paused_from, paused_until in _merged(pauses):
            due = self.resume_after_pause(due, deadline, paused_from, paused_until)
        return due

    def resume_after_pause(
        self, due: datetime, deadline: Deadline, paused_from: datetime, paused_until: datetime
    ) -> datetime:
        """`due` moved on by what one pause cost: whole working days for a days deadline (see
        `extend_for_pause`), the working time lost for an hours deadline."""
        if deadline.unit == DAYS:
            return self.extend_for_pause(due, paused_from, paused_until)
        return self.add_working_time(due, self.working_time_between(paused_from, paused_until))

    def target_at(self, start: datetime, target: TargetDuration) -> datetime:
        """A task's target time: whole working days at the same time of day, then hours.

        Counted from the first working moment at or after `start`, so a task created on a
        Sunday with `P1D` is due Tuesday at the opening hour.
        """
        begin = self._local(self.add_working_time(start, timedelta()))
        moved = self._at(self.add_working_days(begin.date(), target.days), begin.time())
        return self.add_working_time(moved, timedelta(hours=target.hours))

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

    def _windows_of(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, opens, tzinfo=self.timezone),
                datetime.combine(day, closes, tzinfo=self.timezone),
            )
            for opens, closes in self.windows
        ]


def _length(window: Window) -> timedelta:
    return datetime.combine(date.min, window[1]) - datetime.combine(date.min, window[0])


def _merged(pauses: Iterable[Pause]) -> list[Pause]:
    merged: list[Pause] = []
    for paused_from, paused_until in sorted(pauses):
        if merged and paused_from <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], paused_until))
        else:
            merged.append((paused_from, paused_until))
    return merged


def calendar_from_session(
    session: Session, agency_id: int | None = None, **settings
) -> WorkingCalendar:
    """The calendar with the administrator's current overrides; `settings` as `WorkingCalendar`.

    With `agency_id`, the agency's working windows (its own rows, else its nearest parent's,
    else `DEFAULT_AGENCY_WINDOWS`) and reception cut-off (likewise, else `DEFAULT_CUTOFF`).
    One statement (overrides, windows and cut-off together), so build it once per step: an override
    entered now applies to every deadline computed from then on (deadlines already stored are
    not recomputed here).
    """
    if agency_id is None:
        rows = session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
        return _calendar(rows, **settings)
    if not settings:
        # a step's calendar: this process's copy while the configuration is unchanged
        # (calendar rows and agencies are watched; the calendar is immutable)
        return cached(
            session, ("calendar", agency_id), lambda: _agency_calendar(session, agency_id)
        )
    return _agency_calendar(session, agency_id, **settings)


def _agency_calendar(session: Session, agency_id: int, **settings) -> WorkingCalendar:
    overrides, windows, cutoffs = [], [], []
    for part, day, kind, first, second, depth in session.execute(
        _step_calendar_query(), {"agency_id": agency_id}
    ):
        if part == "override":
            overrides.append((day, kind))
        elif part == "window":
            windows.append((depth, first, second))
        else:
            cutoffs.append((depth, first))
    if "windows" not in settings:
        settings["windows"] = _nearest_windows(windows)
    if "cutoff" not in settings:
        settings["cutoff"] = min(cutoffs, key=lambda row: row[0])[1] if cutoffs else DEFAULT_CUTOFF
    return _calendar(overrides, **settings)


def _calendar(overrides: Iterable[tuple[date, str]], **settings) -> WorkingCalendar:
    overrides = list(overrides)
    return WorkingCalendar(
        extra_days_off=[day for day, kind in overrides if kind == OverrideKind.DAY_OFF],
        make_up_days=[day for day, kind in overrides if kind == OverrideKind.WORKING_DAY],
        **settings,
    )


def _nearest_windows(rows: Sequence[tuple[int, time, time]]) -> tuple[Window, ...]:
    """The windows of the nearest agency up the tree that has any; rows are (depth, opens,
    closes)."""
    if not rows:
        return DEFAULT_AGENCY_WINDOWS
    nearest = min(depth for depth, _, _ in rows)
    return tuple(sorted((opens, closes) for depth, opens, closes in rows if depth == nearest))


def agency_windows(session: Session, agency_id: int) -> tuple[Window, ...]:
    """The working windows an agency keeps: its own, else inherited up the agency tree."""
    windows_query, _cutoff_query = _inherited_settings_queries()
    return _nearest_windows(session.execute(windows_query, {"agency_id": agency_id}).all())


def agency_cutoff(session: Session, agency_id: int) -> time:
    """The reception cut-off an agency keeps: its own, else inherited up the agency tree."""
    _windows_query, cutoff_query = _inherited_settings_queries()
    cutoff = session.scalar(cutoff_query, {"agency_id": agency_id})
    return DEFAULT_CUTOFF if cutoff is None else cutoff


#: deeper than any real agency tree; stops the walk should a parent loop ever be stored
_MAX_DEPTH = 32


@cache
def _inherited_settings_queries() -> tuple[Select, Select]:
    """The nearest windows and cut-off up the agency tree, one query each (a recursive CTE of
    the agency and its ancestors), built once: building the construct costs more than running it.
    """
    chain = _agency_chain()
    windows = (
        select(chain.c.depth, AgencyWorkingWindow.opens_at, AgencyWorkingWindow.closes_at)
        .join(AgencyWorkingWindow, AgencyWorkingWindow.agency_id == chain.c.id)
        .order_by(chain.c.depth, AgencyWorkingWindow.opens_at)
    )
    cutoff = (
        select(AgencyReceptionCutoff.cutoff)
        .join(chain, AgencyReceptionCutoff.agency_id == chain.c.id)
        .order_by(chain.c.depth)
        .limit(1)
    )
    return windows, cutoff


@cache
def _step_calendar_query() -> CompoundSelect:
    """What a step's calendar needs in one round trip: the overrides, and the working windows
    and cut-offs of the agency and its ancestors, as rows (part, day, kind, first time, second
    time, depth); the caller keeps the nearest of each."""
    chain = _agency_chain()
    no_time, no_depth = cast(null(), Time), cast(null(), Integer)
    overrides = select(
        literal("override").label("part"),
        CalendarOverride.day,
        CalendarOverride.kind,
        no_time.label("first"),
        no_time.label("second"),
        no_depth.label("depth"),
    )
    windows = select(
        literal("window"),
        cast(null(), Date),
        cast(null(), String),
        AgencyWorkingWindow.opens_at,
        AgencyWorkingWindow.closes_at,
        chain.c.depth,
    ).join(chain, AgencyWorkingWindow.agency_id == chain.c.id)
    cutoffs = select(
        literal("cutoff"),
        cast(null(), Date),
        cast(null(), String),
        AgencyReceptionCutoff.cutoff,
        no_time,
        chain.c.depth,
    ).join(chain, AgencyReceptionCutoff.agency_id == chain.c.id)
    return union_all(overrides, windows, cutoffs)


def _agency_chain() -> CTE:
    """The agency (`:agency_id`) and its ancestors with their depth above it."""
    from engine.agencies.models import Agency

    chain = (
        select(Agency.id, Agency.parent_id, literal(0).label("depth"))
        .where(Agency.id == bindparam("agency_id"))
        .cte("agency_chain", recursive=True)
    )
    parent = aliased(Agency)
    return chain.union_all(
        select(parent.id, parent.parent_id, chain.c.depth + 1).where(
            parent.id == chain.c.parent_id, chain.c.depth < _MAX_DEPTH
        )
    )
