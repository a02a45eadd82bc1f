"""The leaders' unit dashboard: who holds what, what falls due, how the month's returns went.

Every figure is counted with the same conditions as the inbox tab it links to
(engine/tasks/queries.py), so a click always opens a list of exactly that many rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar.working_days import WorkingCalendar
from engine.dossiers.models import Dossier
from engine.errors import Forbidden
from engine.tasks.due_state import Urgency
from engine.tasks.models import Task
from engine.tasks.queries import (
    UNASSIGNED,
    InboxFilter,
    dossier_conditions,
    leader_agency_ids,
    returned_conditions,
    tab_conditions,
    urgency_condition,
)
from engine.users.actor import Actor
from engine.users.models import RoleAssignment, User
from engine.users.roles import LANE_ROLES

TIMINGS = ("early", "on_time", "late")


@dataclass(frozen=True)
class OfficerLoad:
    #: UNASSIGNED for the tasks nobody holds yet
    officer_id: int
    name: str
    in_hand: int
    overdue: int


@dataclass(frozen=True)
class UnitDashboard:
    officers: list[OfficerLoad]
    due_today: int
    overdue: int
    #: early / on_time / late -> dossiers returned this month
    returned: dict[str, int]
    month: date

    @property
    def busiest(self) -> int:
        return max([load.in_hand for load in self.officers] + [1])


def unit_dashboard(
    session: Session, actor: Actor, *, now: datetime, calendar: WorkingCalendar
) -> UnitDashboard:
    """The figures of every unit the actor leads, as of `now`."""
    agencies = sorted(leader_agency_ids(actor))
    if not agencies:
        raise Forbidden("Chỉ lãnh đạo đơn vị mới xem được bảng theo dõi của đơn vị.")
    overdue = urgency_condition(Urgency.OVERDUE, now, calendar)
    unit = tab_conditions(actor, "unit", InboxFilter(tab="unit"), now)
    held = dict(
        (assignee or UNASSIGNED, (count, late))
        for assignee, count, late in session.execute(
            select(Task.assignee_id, func.count(Task.id), func.count(Task.id).filter(overdue))
            .join(Task.dossier)
            .where(*unit)
            .group_by(Task.assignee_id)
        )
    )
    loads = [
        OfficerLoad(officer.id, officer.full_name, *held.pop(officer.id, (0, 0)))
        for officer in _unit_officers(session, agencies)
    ]
    loads.append(OfficerLoad(UNASSIGNED, "Chưa phân công", *held.pop(UNASSIGNED, (0, 0))))
    for officer_id, (count, late) in held.items():
        loads.append(OfficerLoad(officer_id, session.get(User, officer_id).full_name, count, late))

    totals = {}
    for urgency in ("today", Urgency.OVERDUE):
        figure = InboxFilter(tab="unit", urgency=urgency)
        totals[urgency] = session.scalar(
            select(func.count(Task.id))
            .join(Task.dossier)
            .where(*unit, *dossier_conditions(figure, now, calendar))
        )

    month = now.astimezone(calendar.timezone).date().replace(day=1)
    returned_filter = InboxFilter(tab="returned", returned_month=month)
    by_timing = dict(
        session.execute(
            select(Dossier.timing, func.count(Dossier.id))
            .where(*returned_conditions(actor, returned_filter, calendar))
            .group_by(Dossier.timing)
        ).all()
    )
    return UnitDashboard(
        officers=loads,
        due_today=totals["today"],
        overdue=totals[Urgency.OVERDUE],
        returned={timing: by_timing.get(timing, 0) for timing in TIMINGS},
        month=month,
    )


def _unit_officers(session: Session, agencies: list[int]) -> list[User]:
    """Officers who hold a lane role (reception, processing, leaders) in the units."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.is_active,
                User.kind == "officer",
                User.id.in_(
                    select(RoleAssignment.user_id).where(
                        RoleAssignment.agency_id.in_(agencies),
                        RoleAssignment.role.in_(sorted(LANE_ROLES)),
                    )
                ),
            )
            .order_by(User.full_name, User.id)
        )
    )
