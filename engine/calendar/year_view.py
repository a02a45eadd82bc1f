"""One year of the working calendar as twelve small month grids, for the administrator's page.

Each day says why it is or is not a working day: a national holiday (named by the `holidays`
package in Vietnamese), a make-up working weekend day the package knows, or an override.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import holidays
from sqlalchemy.orm import Session

from engine.calendar.models import OverrideKind
from engine.calendar.overrides import list_overrides


class DayKind(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    #: a weekend day the Government made a working day (làm bù), known to the package
    MAKE_UP = "make_up"
    #: an administrator's extra day off
    EXTRA_DAY_OFF = "extra_day_off"
    #: an administrator's make-up working day
    EXTRA_WORKING_DAY = "extra_working_day"


LEGEND = {
    DayKind.WORKING: "Ngày làm việc",
    DayKind.WEEKEND: "Thứ Bảy, Chủ nhật",
    DayKind.HOLIDAY: "Ngày lễ, Tết",
    DayKind.MAKE_UP: "Ngày làm bù (theo quy định)",
    DayKind.EXTRA_DAY_OFF: "Ngày nghỉ thêm (điều chỉnh)",
    DayKind.EXTRA_WORKING_DAY: "Ngày làm bù (điều chỉnh)",
}
WEEKDAY_HEADERS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: DayKind
    #: the holiday's name or the override's reason, shown as the cell's title
    note: str = ""

    @property
    def is_working(self) -> bool:
        return self.kind in (DayKind.WORKING, DayKind.MAKE_UP, DayKind.EXTRA_WORKING_DAY)


@dataclass(frozen=True)
class MonthGrid:
    month: int
    #: weeks Monday to Sunday; None pads the days of the neighbouring months
    weeks: list[list[CalendarDay | None]]

    @property
    def title(self) -> str:
        return f"Tháng {self.month}"

    @property
    def working_days(self) -> int:
        return sum(1 for week in self.weeks for cell in week if cell and cell.is_working)


def year_grid(session: Session, year: int) -> list[MonthGrid]:
    """The twelve months of `year`, each day classified as the deadlines count it."""
    national = holidays.country_holidays("VN", years=year, language="vi")
    make_up = {day for day in national.weekend_workdays if day.year == year}
    overrides = {row.day: row for row in list_overrides(session, year)}
    months = []
    for month in range(1, 13):
        weeks = [
            [
                _classify(day, national, make_up, overrides) if day.month == month else None
                for day in week
            ]
            for week in month_calendar.Calendar().monthdatescalendar(year, month)
        ]
        months.append(MonthGrid(month=month, weeks=weeks))
    return months


def _classify(day: date, national, make_up: set[date], overrides: dict) -> CalendarDay:
    override = overrides.get(day)
    if override is not None:
        kind = (
            DayKind.EXTRA_DAY_OFF
            if override.kind == OverrideKind.DAY_OFF
            else DayKind.EXTRA_WORKING_DAY
        )
        return CalendarDay(day, kind, override.reason)
    if day in national:
        return CalendarDay(day, DayKind.HOLIDAY, national.get(day))
    if day in make_up:
        return CalendarDay(day, DayKind.MAKE_UP, "Ngày làm bù")
    if day.weekday() >= 5:
        return CalendarDay(day, DayKind.WEEKEND)
    return CalendarDay(day, DayKind.WORKING)
