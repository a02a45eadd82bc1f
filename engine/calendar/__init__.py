"""The working-day calendar every legal deadline is counted on."""

from engine.calendar.deadlines import Deadline, TargetDuration, deadline_from_record
from engine.calendar.models import AgencyWorkingWindow, CalendarOverride, OverrideKind
from engine.calendar.working_days import (
    Timeliness,
    WorkingCalendar,
    calendar_from_session,
)

__all__ = [
    "AgencyWorkingWindow",
    "CalendarOverride",
    "Deadline",
    "OverrideKind",
    "TargetDuration",
    "Timeliness",
    "WorkingCalendar",
    "calendar_from_session",
    "deadline_from_record",
]
