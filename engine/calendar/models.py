"""The administrator's corrections to the national holiday calendar.

The `holidays` package knows the Labour Code holidays and the swaps it was told about; the
Government announces others every year (e.g. 2/1/2026 off, made up on Saturday 10/1/2026,
Official Dispatch 12729/VPCP-KGVX). One row per corrected day lets the admin add them
without a release.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.configuration.cache import watch
from engine.db import Base


class OverrideKind(StrEnum):
    #: a day that would be a working day becomes a day off (ngày nghỉ thêm)
    DAY_OFF = "day_off"
    #: a weekend or holiday becomes a working day (ngày làm bù)
    WORKING_DAY = "working_day"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CalendarOverride(Base):
    __tablename__ = "calendar_overrides"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('day_off', 'working_day')",
            name="valid_kind",
        ),
    )

    #: the row's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the calendar day (local, Asia/Ho_Chi_Minh) whose status is corrected; one row per day
    day: Mapped[date] = mapped_column(Date, unique=True)
    #: `day_off` or `working_day` (see `OverrideKind`)
    kind: Mapped[str] = mapped_column(String(16))
    #: why, in Vietnamese, usually the announcing document ("Làm bù cho ngày 02/01/2026 ...")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: when the admin entered the row (UTC)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)

    def __repr__(self) -> str:
        return f"<CalendarOverride({self.id}, {self.day.isoformat()}, {self.kind})>"


class AgencyWorkingWindow(Base):
    """One working window of an agency's day (07:30-11:30, 13:30-17:00...), editable per agency.

    An agency without rows keeps its parent's windows, and the tree's root without rows the
    national default (engine.calendar.working_days.DEFAULT_AGENCY_WINDOWS).
    """

    __tablename__ = "agency_working_windows"
    __table_args__ = (
        UniqueConstraint("agency_id", "opens_at"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closing"),
    )

    #: the row's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the agency whose day this window belongs to
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    #: local time the window opens (Asia/Ho_Chi_Minh)
    opens_at: Mapped[time] = mapped_column(Time)
    #: local time it closes; the last window's end is when day deadlines fall due
    closes_at: Mapped[time] = mapped_column(Time)


class AgencyReceptionCutoff(Base):
    """The time of day after which an agency's one-stop counts a dossier from the next working
    day (16:30 unless set; inherited down the agency tree like the windows)."""

    __tablename__ = "agency_reception_cutoffs"

    #: the agency the rule belongs to
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True
    )
    #: local time (Asia/Ho_Chi_Minh) from which a reception counts from the next working day
    cutoff: Mapped[time] = mapped_column(Time)


# cached per process with the calendar of a step (engine/calendar/working_days.py)
watch(CalendarOverride)
watch(AgencyWorkingWindow)
watch(AgencyReceptionCutoff)
