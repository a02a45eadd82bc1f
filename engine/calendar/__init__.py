"""The working-day calendar every legal deadline is counted on."""

from engine.calendar.models import CalendarOverride, OverrideKind
from engine.calendar.working_days import (
    Timeliness,
    WorkingCalendar,
    calendar_from_session,
)

__all__ = [
    "CalendarOverride",
    "OverrideKind",
    "Timeliness",
    "WorkingCalendar",
    "calendar_from_session",
]
