"""What each number of the reports counts, as one SQL condition per measure.

The periodic report, the dashboard's charts and the list of dossiers behind a number all build
their WHERE clauses here, so a chart's bar and the list it opens cannot disagree.

A period is a range of local days [start, end]; `now` caps "overdue" for a period that has not
ended. Definitions (columns of Biểu II.06a/VPCP/KSTT, Thông tư 01/2020/TT-VPCP, then ours):
- received in the period: the clock started (one-stop reception) within it; carried over:
  received before it and not finished at its start;
- resolved: the result became ready within it, classed early / on time / late at that moment;
- in progress: received before its end and not finished then; overdue when its due time passed
  before the end (or now) and the clock is not paused (a paused dossier counts "in time", as
  the form says: "bao gồm cả hồ sơ chờ bổ sung"). The pause is today's state: for a past period
  a dossier paused then and running now is judged by its due time only;
- returned: result handed over in the period; withdrawn, refused, stopped: ended so in it;
- supplement requests: dossiers asked for a supplement within it;
- late or dissatisfied (766's satisfaction index): resolved in it, late or rated (at any time)
  "không hài lòng" / "rất không hài lòng".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, or_, select

from engine.dossiers.models import CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL, Dossier, Rating
from engine.dossiers.models import DossierEvent as Event
from engine.errors import InvalidInput
from engine.timestamps import LOCAL_TZ

D = Dossier
#: rating levels "không hài lòng" and "rất không hài lòng" (engine/dossiers/ratings.py)
DISSATISFIED_LEVELS = (2, 1)


@dataclass(frozen=True)
class Period:
    """Local days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LOCAL_TZ)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)

    @property
    def label(self) -> str:
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


#: the days a report may name: a date far outside them overflows the time zone's arithmetic
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)
#: field -> (Vietnamese, English), for the HTML page and the API alike
PERIOD_PROBLEMS = {
    "range": (
        "Ngày phải nằm trong khoảng 01/01/1900 đến 31/12/2999.",
        "A date must lie between 1900-01-01 and 2999-12-31.",
    ),
    "order": (
        "Ngày kết thúc phải sau ngày bắt đầu.",
        "The end date must not be before the start date.",
    ),
}


class PeriodRefused(InvalidInput):
    """A period a report cannot cover; `field` is "start" or "end", with the message in both
    languages, so the API can name the parameter it came from."""

    def __init__(self, field: str, problem: str):
        vi, en = PERIOD_PROBLEMS[problem]
        super().__init__(vi, {field: vi})
        self.field, self.english = field, en


def report_period(start: date | None, end: date | None, today: date) -> Period:
    """The days a report covers: from 1 January of this year to today, unless given."""
    start = start or date(today.year, 1, 1)
    end = end or today
    for field, day in (("start", start), ("end", end)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise PeriodRefused(field, "range")
    if end < start:
        raise PeriodRefused("end", "order")
    return Period(start, end)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    #: column number in Biểu II.06a (None for our extra columns)
    form_column: int | None
    condition: Callable[[datetime, datetime, datetime], ColumnElement[bool]]


def _between(column, s: datetime, e: datetime) -> ColumnElement[bool]:
    return and_(column >= s, column < e)


def _received(s, e, now):
    return _between(D.received_at, s, e)


def _carried(s, e, now):
    return and_(D.received_at < s, or_(D.finished_at.is_(None), D.finished_at >= s))


def _resolved(s, e, now):
    return and_(_between(D.finished_at, s, e), D.timing.is_not(None))


def _timing(*values: str):
    return lambda s, e, now: and_(_resolved(s, e, now), D.timing.in_(values))


def _in_progress(s, e, now):
    return and_(D.received_at < e, or_(D.finished_at.is_(None), D.finished_at >= e))


def _overdue(s, e, now):
    return and_(_in_progress(s, e, now), D.due_at < min(e, now), D.paused_at.is_(None))


def _not_yet_due(s, e, now):
    return and_(
        _in_progress(s, e, now),
        or_(D.due_at.is_(None), D.due_at >= min(e, now), D.paused_at.is_not(None)),
    )


def _ended_as(status: str):
    return lambda s, e, now: and_(D.status == status, _between(D.finished_at, s, e))


def _late_or_dissatisfied(s, e, now):
    """766's "dissatisfied or late": resolved late, or rated (so far) not satisfied.

    Only a returned dossier is rated, so its rating is never older than its resolution: ratings
    since the period's start are all a resolved-in-period dossier can have (a smaller hash).
    """
    unhappy = select(Rating.dossier_id).where(
        Rating.level.in_(DISSATISFIED_LEVELS), Rating.created_at >= s
    )
    return and_(_resolved(s, e, now), or_(D.timing == "late", D.id.in_(unhappy)))


def _supplement(s, e, now):
    asked = select(Event.dossier_id).where(
        Event.to_status == "supplement_requested",
        _between(Event.at, s, e),
        or_(Event.from_status.is_(None), Event.from_status != "supplement_requested"),
    )
    return D.id.in_(asked)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure("received_total", "Tổng số nhận giải quyết", 3,
                lambda s, e, now: or_(_received(s, e, now), _carried(s, e, now))),
        Measure("received_online", "Mới tiếp nhận trực tuyến", 4,
                lambda s, e, now: and_(_received(s, e, now), D.channel == CHANNEL_ONLINE)),
        Measure("received_offline", "Mới tiếp nhận trực tiếp, bưu chính", 5,
                lambda s, e, now: and_(_received(s, e, now), D.channel != CHANNEL_ONLINE)),
        Measure("carried_over", "Từ kỳ trước chuyển sang", 6, _carried),
        Measure("resolved", "Đã giải quyết", 7, _resolved),
        Measure("early", "Trước hạn", 8, _timing("early")),
        Measure("on_time", "Đúng hạn", 9, _timing("on_time")),
        Measure("late", "Quá hạn", 10, _timing("late")),
        Measure("in_progress", "Đang giải quyết", 11, _in_progress),
        Measure("not_yet_due", "Trong hạn", 12, _not_yet_due),
        Measure("overdue", "Quá hạn (đang giải quyết)", 13, _overdue),
        Measure("received_new", "Mới tiếp nhận", None, _received),
        Measure("received_in_person", "Trong đó trực tiếp", None,
                lambda s, e, now: and_(_received(s, e, now), D.channel == CHANNEL_COUNTER)),
        Measure("received_postal", "Trong đó bưu chính", None,
                lambda s, e, now: and_(_received(s, e, now), D.channel == CHANNEL_POSTAL)),
        Measure("on_time_or_early", "Đúng hạn và trước hạn", None, _timing("early", "on_time")),
        Measure("returned", "Đã trả kết quả", None,
                lambda s, e, now: _between(D.returned_at, s, e)),
        Measure("withdrawn", "Rút hồ sơ", None, _ended_as("withdrawn")),
        Measure("refused", "Từ chối tiếp nhận", None, _ended_as("refused")),
        Measure("stopped", "Dừng xử lý", None, _ended_as("stopped")),
        Measure("supplement_requested", "Yêu cầu bổ sung", None, _supplement),
        Measure("late_or_dissatisfied", "Quá hạn hoặc không hài lòng", None,
                _late_or_dissatisfied),
    ]
}  # fmt: skip

#: the report's columns, in the order the form prints them, then ours
REPORT_COLUMNS = [
    "received_total", "received_online", "received_offline", "carried_over",
    "resolved", "early", "on_time", "late", "in_progress", "not_yet_due", "overdue",
    "received_in_person", "received_postal", "returned", "withdrawn", "refused", "stopped",
    "supplement_requested",
]  # fmt: skip


def measure_condition(key: str, period: Period, now: datetime) -> ColumnElement[bool]:
    if key not in MEASURES:
        raise KeyError(key)
    return MEASURES[key].condition(period.starts_at, period.ends_at, now)


def touches_period(period: Period) -> ColumnElement[bool]:
    """A superset of every measure's rows, as an OR of indexed ranges (README: at scale)."""
    s, e = period.starts_at, period.ends_at
    return or_(
        and_(D.finished_at.is_(None), D.received_at < e),
        D.finished_at >= s,
        _between(D.received_at, s, e),
        _between(D.returned_at, s, e),
    )
