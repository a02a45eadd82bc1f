"""How urgent an open task is: working days left on its dossier, as the inbox colours it.

The time left is the dossier's, because the legal clock is the dossier's: its due time moves on
when a supplement pauses it, and while `paused_at` is set the waiting does not count at all.
The SQL filters in engine/tasks/queries.py and the row labels here share the same boundaries;
open tasks carry a copy of the running due time (`refresh_task_due_times`) so the inbox can
sort and filter them on the task indexes alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from engine.calendar.working_days import WorkingCalendar
from engine.dossiers.models import Dossier
from engine.tasks.models import OPEN


class Urgency(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    #: not yet received: the legal clock has not started
    NOT_STARTED = "not_started"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS = {
    Urgency.ON_TRACK: "Trong hạn",
    Urgency.DUE_SOON: "Sắp đến hạn (còn dưới 1 ngày làm việc)",
    Urgency.OVERDUE: "Quá hạn",
    Urgency.PAUSED: "Tạm dừng",
    Urgency.NOT_STARTED: "Chưa tính hạn",
}


@dataclass(frozen=True)
class TimeLeft:
    urgency: Urgency
    #: working days left (negative: days late); None while paused or not started
    working_days: float | None

    @property
    def text(self) -> str:
        if self.working_days is None:
            return self.urgency.label
        days = f"{abs(self.working_days):.1f}".replace(".", ",")
        if self.urgency == Urgency.OVERDUE:
            return f"Quá hạn {days} ngày làm việc"
        return f"Còn {days} ngày làm việc"


def time_left(dossier: Dossier, now: datetime, calendar: WorkingCalendar) -> TimeLeft:
    """The row's label and colour; the same boundaries as `urgency_bounds` gives the SQL."""
    if dossier.paused_at is not None:
        return TimeLeft(Urgency.PAUSED, None)
    if dossier.due_at is None:
        return TimeLeft(Urgency.NOT_STARTED, None)
    days = calendar.working_days_between(now, dossier.due_at)
    if dossier.due_at < now:
        return TimeLeft(Urgency.OVERDUE, days)
    if dossier.due_at <= one_working_day_later(calendar, now):
        return TimeLeft(Urgency.DUE_SOON, days)
    return TimeLeft(Urgency.ON_TRACK, days)


def one_working_day_later(calendar: WorkingCalendar, now: datetime) -> datetime:
    """The instant one full working day of office hours after `now`.

    Inside office hours: the same time on the next working day. Outside them: closing time of
    the next working day that still has its whole office hours ahead. A dossier due at or
    before this instant has at most one working day left.
    """
    local = now.astimezone(calendar.timezone)
    day = local.date()
    if calendar.is_working_day(day) and calendar.opening <= local.time() < calendar.closing:
        next_day = calendar.next_working_day(day)
        return datetime.combine(next_day, local.time(), tzinfo=calendar.timezone)
    if not (calendar.is_working_day(day) and local.time() < calendar.opening):
        day = calendar.next_working_day(day)
    return datetime.combine(day, calendar.closing, tzinfo=calendar.timezone)


def end_of_local_day(calendar: WorkingCalendar, now: datetime) -> datetime:
    """Midnight after `now`, local time: "due today" means due before it."""
    local = now.astimezone(calendar.timezone)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)


def running_due_at(dossier: Dossier) -> datetime | None:
    """The due time an open task sorts and filters by: none while the clock stands still."""
    return None if dossier.paused_at is not None else dossier.due_at


def refresh_task_due_times(dossier: Dossier, previous_due: datetime | None) -> None:
    """Copy the dossier's running due time onto its open tasks, after every step.

    The inbox sorts and filters open tasks by `Task.due_at` through the task indexes alone,
    so it must follow the dossier's clock: set at reception, moved on after a supplement,
    NULL while paused. A task with a target of its own (a BPMN `targetDuration`) keeps it:
    only tasks that followed the dossier's previous due time, or had none, are moved. Most
    steps leave the clock alone, and then there is nothing to move: tasks are created with the
    running due time.
    """
    running = running_due_at(dossier)
    if running == previous_due:
        return
    # the open tasks a step's lock read with the dossier: moved with the step's other changes
    for task in dossier.open_tasks:
        if task.state == OPEN and (task.due_at is None or task.due_at == previous_due):
            task.due_at = running
