"""Deadline rules as data: what a procedure record and a BPMN task say about due times.

A procedure record (procedure.json) states its deadline either the old way,
`"deadline_working_days": 5`, or as an object that can say more:

    "deadline": {
      "unit": "hours", "value": 4,
      "late_reception": {"after": "15:00", "due_next_working_day_at": "10:00"},
      "channels": {"online": {"unit": "days", "value": 3}}
    }

`unit` is `days` (working days, due at closing time of the last day) or `hours` (working hours
inside the agency's working windows). `late_reception` is the rule "received after 15:00, due
the next working day at 10:00". `channels` overrides the deadline per channel (`in_person`,
`online`, `postal`, the names procedure.json uses in `channels`). A user task's target duration
is the SpiffWorkflow property `targetDuration`, an ISO 8601 duration in working time (`P1D`,
`PT4H`, `P1DT2H`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

DAYS = "days"
HOURS = "hours"

#: channel numbers of the read model -> channel names of procedure.json
CHANNEL_NAMES = {1: "in_person", 2: "online", 3: "postal"}

_ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$"
)


@dataclass(frozen=True)
class Deadline:
    """How long a dossier may take, and the reception rule that may shorten the count."""

    unit: str
    value: float
    #: received at or after this local time on a working day ...
    late_after: time | None = None
    #: ... is due the next working day at this local time
    late_due_at: time | None = None

    def __post_init__(self):
        if self.unit not in (DAYS, HOURS):
            raise ValueError(f"deadline unit must be 'days' or 'hours', not {self.unit!r}")
        if self.value <= 0 or (self.unit == DAYS and self.value != int(self.value)):
            raise ValueError("a deadline is a positive number of hours or whole working days")
        if (self.late_after is None) != (self.late_due_at is None):
            raise ValueError("late_reception needs both 'after' and 'due_next_working_day_at'")

    @property
    def label(self) -> str:
        number = f"{self.value:g}"
        return f"{number} ngày làm việc" if self.unit == DAYS else f"{number} giờ làm việc"


@dataclass(frozen=True)
class TargetDuration:
    """A BPMN task's target in working time: whole working days, then working hours."""

    days: int = 0
    hours: float = 0.0


def deadline_from_record(record: dict, channel: int | None = None) -> Deadline:
    """The deadline a procedure record sets for a dossier received through `channel`."""
    spec = record.get("deadline")
    if not spec:
        return Deadline(DAYS, int(record.get("deadline_working_days") or 1))
    channel_spec = (spec.get("channels") or {}).get(CHANNEL_NAMES.get(channel, ""), {})
    merged = {**spec, **channel_spec}
    late = merged.get("late_reception") or {}
    return Deadline(
        unit=merged.get("unit", DAYS),
        value=merged.get("value", record.get("deadline_working_days") or 1),
        late_after=_clock_time(late.get("after")),
        late_due_at=_clock_time(late.get("due_next_working_day_at")),
    )


def dossier_deadline(dossier) -> Deadline:
    """The deadline of a dossier: its pinned procedure version's record and its channel."""
    record = dossier.procedure_version.procedure_record() if dossier.procedure_version else {}
    if not record.get("deadline"):
        return Deadline(DAYS, dossier.procedure.deadline_working_days or 1)
    return deadline_from_record(record, dossier.channel)


def parse_target_duration(text: str | None) -> TargetDuration | None:
    """`P1D` -> 1 working day, `PT4H` -> 4 working hours; None for no or malformed values."""
    match = _ISO_DURATION.match((text or "").strip().strip('"'))
    if not match or not any(match.groupdict().values()):
        return None
    return TargetDuration(
        days=int(match["days"] or 0),
        hours=int(match["hours"] or 0) + int(match["minutes"] or 0) / 60,
    )


def _clock_time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None
