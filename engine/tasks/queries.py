"""Inbox reads: the read model only, one query per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import find_tables

from engine.calendar.working_days import WorkingCalendar
from engine.dossiers.models import Dossier
from engine.dossiers.search import search_condition, search_key
from engine.dossiers.statuses import all_statuses
from engine.errors import NotFound
from engine.procedures.models import Procedure
from engine.tasks.access import may_work_on, workable_tasks_clause
from engine.tasks.due_state import Urgency, end_of_local_day, one_working_day_later
from engine.tasks.models import COMPLETED, OPEN, Task
from engine.users.actor import Actor
from engine.users.models import User
from engine.users.roles import APPLICANT_LANE


def list_inbox(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> list[Task]:
    """Open tasks the actor may work on, soonest due first."""
    statement = (
        _inbox_statement(actor)
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(session.scalars(statement))


def inbox_tasks_after(session: Session, actor: Actor, after_id: int, limit: int) -> list[Task]:
    """The same open tasks with an id above `after_id`, by id, at most `limit`: one page of a
    keyset-paged list (the API's), however long the inbox."""
    statement = _inbox_statement(actor).where(Task.id > after_id).order_by(Task.id).limit(limit)
    return list(session.scalars(statement))


def count_inbox(session: Session, actor: Actor) -> int:
    return session.scalar(
        select(func.count(Task.id)).join(Task.dossier).where(*_inbox_conditions(actor))
    )


def _inbox_statement(actor: Actor):
    return (
        select(Task)
        .join(Task.dossier)
        .options(contains_eager(Task.dossier))
        .where(*_inbox_conditions(actor))
    )


def _inbox_conditions(actor: Actor) -> tuple:
    return (
        Task.state == OPEN,
        workable_tasks_clause(actor),
        (Task.assignee_id.is_(None)) | (Task.assignee_id == actor.user_id),
    )


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or not may_work_on(actor, task):
        raise NotFound("Không tìm thấy công việc.")
    return task


def list_open_tasks(session: Session, dossier: Dossier) -> list[Task]:
    return list(
        session.scalars(
            select(Task).where(Task.dossier_id == dossier.id, Task.state == OPEN).order_by(Task.id)
        )
    )


# The officers' inbox: tabs, filters, counts. One statement per page of rows, one for the counts.

#: the tabs every officer has; "todo" is the default (mine and unclaimed together)
OFFICER_TABS = ("todo", "mine", "unclaimed", "handed_on", "overdue")
#: the tabs of a unit's leaders: every open task of the unit, dossiers returned
LEADER_TABS = ("unit", "returned")
LEADER_ROLES = ("leader", "agency_leader")
#: tasks assigned to nobody, as the `officer_id` filter of the unit tab
UNASSIGNED = 0


@dataclass(frozen=True)
class InboxFilter:
    """What the officer asked for: a tab, filters, a page. Every field optional."""

    tab: str = "todo"
    procedure_id: int | None = None
    field: str | None = None
    status: str | None = None
    channel: int | None = None
    received_from: date | None = None
    received_until: date | None = None
    #: an Urgency value, or "today" (due before midnight, not yet late)
    urgency: str | None = None
    #: dossier code, applicant name or ID number, any case, with or without diacritics
    search: str = ""
    #: unit tab: tasks held by this officer (UNASSIGNED: held by nobody)
    officer_id: int | None = None
    #: returned tab: early / on_time / late, and the month (its first day)
    timing: str | None = None
    returned_month: date | None = None
    #: "due" (soonest first) or "received" (newest first)
    sort: str = "due"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: everything it shows, read in the page's single statement."""

    task: Task | None
    dossier: Dossier
    procedure: Procedure
    assignee_name: str | None


def list_inbox_rows(
    session: Session,
    actor: Actor,
    inbox_filter: InboxFilter,
    *,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[InboxRow]:
    """One page of the tab: tasks joined with dossier, procedure and holder, in one query."""
    assignee = aliased(User)
    if inbox_filter.tab == "returned":
        statement = (
            select(Dossier, Procedure)
            .join(Dossier.procedure)
            .where(*returned_conditions(actor, inbox_filter, calendar))
            .where(*dossier_conditions(inbox_filter, now, calendar, urgency_on=None))
            .order_by(Dossier.returned_at.desc(), Dossier.id.desc())
        )
        rows = session.execute(_paged(statement, inbox_filter)).all()
        return [InboxRow(None, dossier, procedure, None) for dossier, procedure in rows]
    statement = (
        select(Task, Dossier, Procedure, assignee.full_name)
        .join(Task.dossier)
        .join(Dossier.procedure)
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .options(contains_eager(Task.dossier))
        .where(*tab_conditions(actor, inbox_filter.tab, inbox_filter, now))
        .where(
            *dossier_conditions(
                inbox_filter, now, calendar, urgency_on=_urgency_on(inbox_filter.tab)
            )
        )
        .order_by(*_ordering(inbox_filter))
    )
    rows = session.execute(_paged(statement, inbox_filter)).all()
    return [InboxRow(task, dossier, procedure, name) for task, dossier, procedure, name in rows]


def count_inbox_tabs(
    session: Session,
    actor: Actor,
    inbox_filter: InboxFilter,
    *,
    now: datetime,
    calendar: WorkingCalendar,
) -> dict[str, int]:
    """How many rows each tab holds under the same filters, in one statement.

    The open-task tabs are counted in one pass over the actor's open tasks (one aggregate with
    a FILTER per tab); tasks handed on and dossiers returned are scalar subqueries beside it.
    """
    leader = bool(leader_agency_ids(actor))
    open_tabs = [tab for tab in OFFICER_TABS if tab != "handed_on"] + (["unit"] if leader else [])
    matching = _matching_dossiers(inbox_filter, now, calendar)
    filters = [*matching, *_task_urgency(inbox_filter, now, calendar, on_tasks=True)]
    scope = [Task.state == OPEN, or_(workable_tasks_clause(actor), *_unit_scope(actor))]
    per_tab = {tab: and_(*tab_conditions(actor, tab, inbox_filter, now)) for tab in open_tabs}
    handed_on = [
        *tab_conditions(actor, "handed_on", inbox_filter, now),
        *matching,
        *_task_urgency(inbox_filter, now, calendar, on_tasks=False),
    ]
    columns = [func.count(Task.id).filter(per_tab[tab]).label(tab) for tab in open_tabs]
    columns.append(_task_count(handed_on).scalar_subquery().label("handed_on"))
    if leader:
        returned = (
            select(func.count(Dossier.id))
            .join(Dossier.procedure)
            .where(*returned_conditions(actor, inbox_filter, calendar))
            .where(*dossier_conditions(inbox_filter, now, calendar, urgency_on=None))
        )
        columns.append(returned.scalar_subquery().label("returned"))
    statement = _joined_for([*scope, *filters, *per_tab.values()], select(*columns))
    row = session.execute(statement.select_from(Task).where(*scope, *filters)).one()
    return {tab: row._mapping[tab] or 0 for tab in OFFICER_TABS + (LEADER_TABS if leader else ())}


def _matching_dossiers(
    inbox_filter: InboxFilter, now: datetime, calendar: WorkingCalendar
) -> list[ColumnElement[bool]]:
    """The dossier filters as one `dossier_id IN (matching dossiers)` test, or none.

    Several counts share it: as a CTE the database evaluates the filters (a name search
    above all) once per statement, not once per count.
    """
    conditions = dossier_conditions(inbox_filter, now, calendar, urgency_on=None)
    if not conditions:
        return []
    matching = select(Dossier.id).where(*conditions)
    named = {t.name for c in conditions for t in find_tables(c, check_columns=True)}
    if "procedures" in named:
        matching = matching.join(Dossier.procedure)
    cte = matching.cte("matching_dossiers")
    return [Task.dossier_id.in_(select(cte.c.id))]


def _task_urgency(
    inbox_filter: InboxFilter, now: datetime, calendar: WorkingCalendar, *, on_tasks: bool
) -> list[ColumnElement[bool]]:
    if not inbox_filter.urgency:
        return []
    return [urgency_condition(inbox_filter.urgency, now, calendar, on_tasks=on_tasks)]


def _unit_scope(actor: Actor) -> list[ColumnElement[bool]]:
    agencies = sorted(leader_agency_ids(actor))
    return [Task.agency_id.in_(agencies)] if agencies else []


def _task_count(conditions: list[ColumnElement[bool]]):
    """Count tasks, joining dossier and procedure only when a condition needs them."""
    query = select(func.count(Task.id)).select_from(Task)
    return _joined_for(conditions, query).where(*conditions)


def _joined_for(conditions: list[ColumnElement[bool]], query):
    """Join dossier and procedure to a task query only when a condition names them.

    Without filters a tab count is then an index-only count of the task table.
    """
    named = {
        table.name
        for condition in conditions
        for table in find_tables(condition, check_columns=True)
    }
    if named & {"dossiers", "procedures"}:
        query = query.join_from(Task, Dossier, Task.dossier_id == Dossier.id)
    if "procedures" in named:
        query = query.join(Procedure, Procedure.id == Dossier.procedure_id)
    return query


def _urgency_on(tab: str) -> str:
    """Open tasks carry the running due time; a completed task's row reads its dossier's."""
    return "dossiers" if tab == "handed_on" else "tasks"


def leader_agency_ids(actor: Actor) -> frozenset[int]:
    """The agencies where the actor leads: their whole unit's tasks are theirs to follow."""
    return frozenset().union(*(actor.agencies_for(role) for role in LEADER_ROLES))


def final_status_codes() -> list[str]:
    return sorted(code for code, status in all_statuses().items() if status.final)


def tab_conditions(
    actor: Actor, tab: str, inbox_filter: InboxFilter, now: datetime
) -> list[ColumnElement[bool]]:
    mine = Task.assignee_id == actor.user_id
    free = Task.assignee_id.is_(None)
    if tab == "handed_on":
        return [_handed_on(actor)]
    if tab == "unit":
        conditions = [
            Task.state == OPEN,
            Task.agency_id.in_(sorted(leader_agency_ids(actor))),
            Task.role != APPLICANT_LANE,
        ]
        if inbox_filter.officer_id == UNASSIGNED:
            conditions.append(free)
        elif inbox_filter.officer_id is not None:
            conditions.append(Task.assignee_id == inbox_filter.officer_id)
        return conditions
    conditions = [Task.state == OPEN, workable_tasks_clause(actor)]
    if tab == "mine":
        return [*conditions, mine]
    if tab == "unclaimed":
        return [*conditions, free]
    if tab == "overdue":
        return [*conditions, or_(free, mine), Task.due_at < now]
    return [*conditions, or_(free, mine)]


def _handed_on(actor: Actor) -> ColumnElement[bool]:
    """Tasks the actor completed on dossiers still open: the latest one per dossier."""
    if actor.user_id is None:
        return false()
    earlier = aliased(Task)
    later_by_me = (
        select(earlier.id)
        .where(
            earlier.dossier_id == Task.dossier_id,
            earlier.completed_by_id == actor.user_id,
            earlier.state == COMPLETED,
            earlier.id > Task.id,
        )
        .exists()
    )
    return and_(
        Task.completed_by_id == actor.user_id,
        Task.state == COMPLETED,
        Dossier.status.notin_(final_status_codes()),
        ~later_by_me,
    )


def returned_conditions(
    actor: Actor, inbox_filter: InboxFilter, calendar: WorkingCalendar
) -> list[ColumnElement[bool]]:
    conditions = [
        Dossier.agency_id.in_(sorted(leader_agency_ids(actor))),
        Dossier.returned_at.is_not(None),
    ]
    if inbox_filter.returned_month is not None:
        first, after = _month_bounds(inbox_filter.returned_month, calendar)
        conditions += [Dossier.returned_at >= first, Dossier.returned_at < after]
    if inbox_filter.timing:
        conditions.append(Dossier.timing == inbox_filter.timing)
    return conditions


def dossier_conditions(
    inbox_filter: InboxFilter,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    urgency_on: str | None = "tasks",
) -> list[ColumnElement[bool]]:
    """The filters on the dossier and its procedure, each served by an index."""
    conditions: list[ColumnElement[bool]] = []
    if inbox_filter.procedure_id is not None:
        conditions.append(Dossier.procedure_id == inbox_filter.procedure_id)
    if inbox_filter.field:
        conditions.append(Procedure.field == inbox_filter.field)
    if inbox_filter.status:
        conditions.append(Dossier.status == inbox_filter.status)
    if inbox_filter.channel is not None:
        conditions.append(Dossier.channel == inbox_filter.channel)
    if inbox_filter.received_from is not None:
        first = _local_midnight(inbox_filter.received_from, calendar)
        conditions.append(Dossier.received_at >= first)
    if inbox_filter.received_until is not None:
        after = _local_midnight(inbox_filter.received_until + timedelta(days=1), calendar)
        conditions.append(Dossier.received_at < after)
    if search_key(inbox_filter.search):
        conditions.append(search_condition(inbox_filter.search))
    if urgency_on and inbox_filter.urgency:
        conditions.append(
            urgency_condition(inbox_filter.urgency, now, calendar, on_tasks=urgency_on == "tasks")
        )
    return conditions


def urgency_condition(
    urgency: str, now: datetime, calendar: WorkingCalendar, *, on_tasks: bool = True
) -> ColumnElement[bool]:
    """The SQL side of `time_left`'s colours.

    Open tasks carry their dossier's running due time (NULL while the clock is paused or not
    started, engine/tasks/due_state.py), so on them the test needs no join and can use the
    inbox indexes; completed tasks and returned dossiers are judged on the dossier itself.
    """
    if on_tasks:
        due, running = Task.due_at, true()
    else:
        due, running = Dossier.due_at, Dossier.paused_at.is_(None)
    soon = one_working_day_later(calendar, now)
    return {
        Urgency.OVERDUE: and_(running, due < now),
        Urgency.DUE_SOON: and_(running, due >= now, due <= soon),
        Urgency.ON_TRACK: and_(running, due > soon),
        Urgency.PAUSED: Dossier.paused_at.is_not(None),
        Urgency.NOT_STARTED: Dossier.due_at.is_(None),
        "today": and_(running, due >= now, due < end_of_local_day(calendar, now)),
    }.get(urgency, true())


def _ordering(inbox_filter: InboxFilter) -> list:
    if inbox_filter.sort == "received":
        return [Dossier.received_at.is_(None), Dossier.received_at.desc(), Task.id.desc()]
    return [Task.due_at.asc().nulls_last(), Task.id]


def _paged(statement, inbox_filter: InboxFilter):
    page, per_page = max(inbox_filter.page, 1), min(max(inbox_filter.per_page, 1), 200)
    return statement.limit(per_page).offset((page - 1) * per_page)


def _local_midnight(day: date, calendar: WorkingCalendar) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=calendar.timezone)


def _month_bounds(month: date, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return _local_midnight(first, calendar), _local_midnight(after, calendar)
