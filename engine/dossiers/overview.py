"""Everything the officer's dossier page shows, read in one place and scoped to the actor.

The page is a read: it never runs a step. The workflow state is loaded only to colour the
diagram; every other part comes from the read model (dossier, tasks, events, components, files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.calendar.working_days import calendar_from_session
from engine.dossiers.counter import list_components
from engine.dossiers.form_summary import FormEntry, form_entries
from engine.dossiers.models import Dossier, DossierComponent, DossierEvent
from engine.dossiers.queries import get_dossier, list_events
from engine.errors import NotFound
from engine.files.models import StoredFile
from engine.files.uploads import get_file
from engine.procedures.models import ProcedureVersion
from engine.tasks.models import OPEN, Task
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.models import User
from engine.users.roles import APPLICANT_LANE, ROLES
from engine.workflow import runtime
from engine.workflow.diagram import diagram_states, render_diagram
from engine.workflow.models import WorkflowState
from forms.definition import load_form

#: less time left than this (working days) and a dossier is due soon
DUE_SOON_DAYS = 1.0


@dataclass(frozen=True)
class HeldTask:
    """An open task and who holds it (None: waiting in the role's shared inbox)."""

    id: int
    title: str
    role: str
    role_label: str
    agency_id: int | None
    agency_name: str
    holder_name: str | None
    created_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class Clock:
    """The legal deadline in working days: how much was used and how much is left.

    `state` is not_started, on_track, due_soon, overdue, paused or finished.
    """

    deadline_days: int
    state: str
    used_days: float | None = None
    left_days: float | None = None
    paused_since: datetime | None = None


@dataclass(frozen=True)
class DossierOverview:
    dossier: Dossier
    form_title: str
    form_entries: list[FormEntry]
    components: list[DossierComponent]
    files: dict[int, StoredFile]
    #: files attached to the dossier but to no component (the online form's attachments...)
    other_files: list[StoredFile]
    events: list[DossierEvent]
    tasks: list[HeldTask]
    clock: Clock
    #: the inline SVG, or None when the version's BPMN has no diagram coordinates
    diagram_svg: str | None


def dossier_overview(
    session: Session, actor: Actor, code: str, *, now: datetime | None = None
) -> DossierOverview:
    """The dossier page's content; NotFound when the actor may not see the dossier."""
    dossier = get_dossier(session, actor, code)
    version = dossier.procedure_version
    form_title, entries = _declared(version, dossier.form_data or {})
    components = list_components(session, dossier)
    files = list(
        session.scalars(
            select(StoredFile).where(StoredFile.dossier_id == dossier.id).order_by(StoredFile.id)
        )
    )
    linked = {file_id for component in components for file_id in component.file_ids}
    return DossierOverview(
        dossier=dossier,
        form_title=form_title,
        form_entries=entries,
        components=components,
        files={file.id: file for file in files},
        other_files=[file for file in files if file.id not in linked],
        events=list_events(session, dossier),
        tasks=_held_tasks(session, dossier),
        clock=dossier_clock(session, dossier, now or utcnow()),
        diagram_svg=dossier_diagram(session, dossier),
    )


def get_dossier_file(session: Session, actor: Actor, code: str, file_id: int) -> StoredFile:
    """A file of this dossier, for someone who may see the dossier; NotFound for anything else."""
    dossier = get_dossier(session, actor, code)
    stored = get_file(session, actor, file_id, may_see_dossier=lambda id_: id_ == dossier.id)
    if stored.dossier_id != dossier.id:
        raise NotFound("Không tìm thấy tệp.")
    return stored


def dossier_clock(session: Session, dossier: Dossier, now: datetime) -> Clock:
    """Working days used since reception and left before the due time.

    While a supplement is awaited the clock stands still at the moment it was asked for. The
    days used count from reception and include earlier supplement waits, which the due time
    has already been moved on by.
    """
    deadline = dossier.procedure.deadline_working_days
    if dossier.received_at is None or dossier.due_at is None:
        return Clock(deadline, "not_started")
    calendar = calendar_from_session(session)
    if dossier.finished_at is not None:
        used = calendar.working_days_between(dossier.received_at, dossier.finished_at)
        left = calendar.working_days_between(dossier.finished_at, dossier.due_at)
        return Clock(deadline, "finished", round(used, 1), round(left, 1))
    if dossier.paused_at is not None:
        used = calendar.working_days_between(dossier.received_at, dossier.paused_at)
        left = calendar.working_days_between(dossier.paused_at, dossier.due_at)
        return Clock(deadline, "paused", round(used, 1), round(left, 1), dossier.paused_at)
    used = calendar.working_days_between(dossier.received_at, now)
    left = calendar.working_days_between(now, dossier.due_at)
    if now > dossier.due_at:
        state = "overdue"
    elif left < DUE_SOON_DAYS:
        state = "due_soon"
    else:
        state = "on_track"
    return Clock(deadline, state, round(used, 1), round(left, 1))


def dossier_diagram(session: Session, dossier: Dossier) -> str | None:
    """The version's BPMN drawn with this dossier's completed and current elements."""
    bpmn = process_bpmn(dossier.procedure_version)
    if bpmn is None:
        return None
    state_row = session.get(WorkflowState, dossier.id)
    states = {}
    if state_row is not None:
        version = dossier.procedure_version
        workflow = runtime.load_workflow(version.content_hash, version.spec, state_row.state)
        states = diagram_states(workflow, bpmn)
    try:
        return render_diagram(bpmn, states)
    except ValueError:
        return None


def process_bpmn(version: ProcedureVersion) -> str | None:
    """The text of the version's BPMN file that holds its executable process."""
    sources = [text for path, text in sorted(version.files.items()) if path.endswith(".bpmn")]
    for text in sources:
        if f'id="{version.process_id}"' in text:
            return text
    return sources[0] if sources else None


def role_label(role: str) -> str:
    if role == APPLICANT_LANE:
        return "Người nộp hồ sơ"
    return ROLES.get(role, role)


def _declared(version: ProcedureVersion, data: dict) -> tuple[str, list[FormEntry]]:
    form_name = version.procedure_record().get("applicant_form")
    if not form_name:
        blank = load_form({"title": "Thông tin kê khai", "schema": {"type": "object"}})
        return blank.title, form_entries(blank, data)
    form = load_form(version.form(form_name))
    return form.title, form_entries(form, data)


def _held_tasks(session: Session, dossier: Dossier) -> list[HeldTask]:
    rows = session.execute(
        select(Task, User.full_name, Agency.name)
        .outerjoin(User, User.id == Task.assignee_id)
        .outerjoin(Agency, Agency.id == Task.agency_id)
        .where(Task.dossier_id == dossier.id, Task.state == OPEN)
        .order_by(Task.id)
    ).all()
    return [
        HeldTask(
            id=task.id,
            title=task.title,
            role=task.role,
            role_label=role_label(task.role),
            agency_id=task.agency_id,
            agency_name=agency_name or "",
            holder_name=holder,
            created_at=task.created_at,
            due_at=task.due_at,
        )
        for task, holder, agency_name in rows
    ]
