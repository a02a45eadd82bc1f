"""The step: the spine every feature hangs on (DESIGN.md section 2).

Within the caller's transaction: lock the dossier row, load its workflow, apply one action, run
engine steps until the workflow waits, save the state, refresh the read model (dossier status
and clock, open tasks, next timer), append the history event and enqueue outbox rows. No network
I/O happens here; the caller commits once, or rolls everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import ColumnElement, Select, bindparam, func, select, true
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from engine.agencies.models import Agency
from engine.calendar.deadlines import dossier_deadline, parse_target_duration
from engine.calendar.working_days import WorkingCalendar, calendar_from_session
from engine.configuration.cache import attached, generation_token, remember_generation
from engine.dossiers.interagency import settle_agencies, task_agency_id
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.notices import (
    STATUS_NOTICES,
    notice_message,
    queue_applicant_notice,
    status_notice_details,
)
from engine.dossiers.results import RETURNED, file_returned_results
from engine.dossiers.statuses import get_status
from engine.errors import NotFound
from engine.national_portal.sync import queue_portal_sync
from engine.postal.shipments import (
    cancel_open_shipments,
    ensure_posted_in,
    order_result_delivery,
)
from engine.procedures.models import Procedure, ProcedureVersion
from engine.signing.requests import ensure_results_signed
from engine.tasks.due_state import refresh_task_due_times, running_due_at
from engine.tasks.models import CANCELLED, OPEN, Task
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.roles import APPLICANT_LANE
from engine.workflow import runtime
from engine.workflow.models import Timer, WorkflowState
from engine.workflow.serialization import dump_state

#: the statuses' clocks that mean the dossier has been received
RECEIVED_CLOCKS = ("running", "finished")
RESULT_READY = "result_ready"
#: what a step does to the loaded workflow before engine steps run
WorkflowAction = Callable[[BpmnWorkflow], None]


@dataclass
class StepRecord:
    """What the history line of this step says."""

    action: str
    task_title: str | None = None
    note: str | None = None
    #: the status an engine action ends the dossier in (withdrawal), instead of the BPMN's
    status: str | None = None
    #: the task this step completed: its role, unit and times go to the national portal
    task_id: int | None = None


def lock_dossier(session: Session, dossier_id: int) -> Dossier:
    """SELECT ... FOR UPDATE: one step per dossier at a time (SQLite: BEGIN IMMEDIATE)."""
    dossier = _locked(session, "dossier_id", dossier_id)
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


def lock_task(session: Session, task_id: int) -> Task:
    """Lock the task's dossier and read its open tasks with it; the task itself, when no
    longer open, as the lock holder sees it."""
    dossier = _locked(session, "task_id", task_id)
    if dossier is None:
        raise NotFound("Không tìm thấy công việc.")
    task = next((row for row in dossier.open_tasks if row.id == task_id), None)
    if task is None:
        task = session.get(Task, task_id, populate_existing=True)
    # the session holds loaded objects weakly: hand the locked dossier to the task, or reading
    # `task.dossier` would load it again
    set_committed_value(task, "dossier", dossier)
    return task


def _locked(session: Session, key: str, ident: int) -> Dossier | None:
    """Lock the dossier row (by its id or a task's), then read it with what a step reads.

    Two statements on PostgreSQL: a statement that waited for a row lock sees the locked row as
    the other step committed it, but the rows it joins as they were when it began (READ
    COMMITTED), so a lock that joined the workflow state handed the second of two concurrent
    steps the state before the first one's change. The read after the lock sees every commit
    made before the lock was granted. SQLite's BEGIN IMMEDIATE already holds the write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        ident = session.scalar(_row_lock(key), {key: ident})
        if ident is None:
            return None
        key = "dossier_id"
    row = session.execute(_step_reading(key), {key: ident}).unique().one_or_none()
    if row is None:
        return None
    dossier, token = row
    remember_generation(session, token)
    _attach_configuration(session, dossier)
    return dossier


def _dossier_by(key: str) -> ColumnElement[bool]:
    """The dossier by its id or by one of its tasks' id. The statements below are built once
    per key (`cache`): constructing the read and its loader options took a tenth of a step."""
    if key == "task_id":
        task_dossier = select(Task.dossier_id).where(Task.id == bindparam("task_id"))
        return Dossier.id == task_dossier.scalar_subquery()
    return Dossier.id == bindparam("dossier_id")


@cache
def _row_lock(key: str) -> Select:
    """The lock, which also sets `join_collapse_limit` for the transaction (SET LOCAL without a
    round trip of its own): the read joins seven relations, each by key, and planning their
    join orders cost more than the query; in the order written it plans in a fraction
    (bench/README.md). A step's other statements join little."""
    return (
        select(Dossier.id, func.set_config("join_collapse_limit", "1", true()))
        .where(_dossier_by(key))
        .with_for_update()
    )


@cache
def _step_reading(key: str) -> Select:
    """The dossier with what every step reads of it (workflow state, timer, open tasks, postal
    shipments, the applicant's account and channels) and the configuration generation, in one
    statement rather than seven. Its procedure, version and agency come from this process's
    copies (`_attach_configuration`): building them from joined rows cost more than the rest
    of the statement (bench/README.md).
    """
    return (
        select(Dossier, generation_token().scalar_subquery())
        .where(_dossier_by(key))
        .options(
            joinedload(Dossier.workflow_state),
            joinedload(Dossier.timer),
            joinedload(Dossier.open_tasks),
            joinedload(Dossier.postal_shipments),
            joinedload(Dossier.applicant),
            joinedload(Dossier.applicant_channels),
        )
        .execution_options(populate_existing=True)
    )


def _attach_configuration(session: Session, dossier: Dossier) -> None:
    """Give the dossier its configuration rows, so reading `dossier.procedure` and the others
    does not ask the database."""
    for name, model, ident in (
        ("procedure_version", ProcedureVersion, dossier.procedure_version_id),
        ("procedure", Procedure, dossier.procedure_id),
        ("agency", Agency, dossier.agency_id),
    ):
        set_committed_value(dossier, name, attached(session, model, ident))


def run_step(
    session: Session,
    dossier: Dossier,
    actor: Actor,
    action: WorkflowAction,
    record: StepRecord,
    *,
    workflow: BpmnWorkflow | None = None,
) -> BpmnWorkflow:
    """Apply `action` to a locked dossier's workflow and bring the read model up to date.

    `workflow` is passed only for a dossier's first step, before any state is saved.
    """
    now = utcnow()
    version = dossier.procedure_version
    # a first step's dossier is new: no state, timer or task of its own yet
    first_step = workflow is not None
    state_row = None if first_step else dossier.workflow_state
    if workflow is None:
        if state_row is None:
            raise NotFound("Hồ sơ chưa có quy trình xử lý.")
        workflow = runtime.load_workflow(
            version.content_hash, lambda: version.spec, state_row.state
        )

    action(workflow)
    workflow.do_engine_steps()

    settle_agencies(session, dossier, workflow)
    agency_id = dossier.agency_id

    @cache
    def calendar() -> WorkingCalendar:
        # three queries, run only by a step that sets a due time: most steps set none; no
        # autoflush, so the dossier's changes go out in one UPDATE at the end
        with session.no_autoflush:
            return calendar_from_session(session, agency_id)

    old_status, previous_due = dossier.status, running_due_at(dossier)
    new_status = record.status or _derive_status(session, dossier, workflow)
    if new_status != old_status:
        if dossier.received_at is None and get_status(new_status).clock in RECEIVED_CLOCKS:
            ensure_posted_in(session, dossier)
        apply_status(dossier, new_status, now, calendar)
        if new_status == RESULT_READY:
            order_result_delivery(session, dossier)
        elif get_status(new_status).final and new_status != RETURNED:
            cancel_open_shipments(session, dossier)
        if new_status == RETURNED:
            # reads of documents and signatures, which the step has not changed: the step's
            # own changes still go out in its one flush
            with session.no_autoflush:
                ensure_results_signed(session, dossier)
                file_returned_results(session, dossier, workflow)
        if new_status in STATUS_NOTICES:
            queue_applicant_notice(
                session, dossier, new_status, **status_notice_details(workflow, new_status)
            )
    refresh_task_due_times(dossier, previous_due)
    _sync_tasks(session, dossier, workflow, calendar, now, first_step=first_step)
    _sync_timer(session, dossier, workflow, first_step=first_step)
    _enqueue_service_calls(session, dossier, workflow)

    text = dump_state(workflow)
    if state_row is None:
        state_row = WorkflowState(dossier_id=dossier.id, state=text)
        session.add(state_row)
        set_committed_value(dossier, "workflow_state", state_row)
    else:
        state_row.state = text
    event = DossierEvent(
        dossier_id=dossier.id,
        actor_id=actor.user_id,
        actor_name=actor.full_name,
        action=record.action,
        task_title=record.task_title,
        from_status=old_status if record.action != "submitted" else None,
        to_status=dossier.status,
        note=record.note,
        at=now,
    )
    session.add(event)
    session.flush()
    queue_portal_sync(
        session,
        dossier,
        event,
        status_changed=dossier.status != old_status,
        task_id=record.task_id,
    )
    session.flush()
    return workflow


def apply_status(
    dossier: Dossier, code: str, now: datetime, calendar: Callable[[], WorkingCalendar]
) -> None:
    """Move the dossier to a status and let the status's clock rule act on its times;
    `calendar` gives the agency's calendar, called only when a time must be computed.

    The legal clock starts when the dossier is first received (a running status); a supplement
    asked for at reception, before that, stops nothing. Once started, a paused status stops the
    clock and leaving it moves the due time on by the working days spent waiting.
    """
    old = get_status(dossier.status)
    new = get_status(code)
    started = dossier.received_at is not None
    if not started and new.clock in RECEIVED_CLOCKS:
        # a dossier the post office brought counts from its hand-over to the agency
        dossier.received_at = received = dossier.posted_in_at or now
        dossier.due_at = calendar().deadline_due_at(received, dossier_deadline(dossier))
    elif started and new.clock == "paused" and old.clock != "paused":
        dossier.paused_at = now
    elif started and old.clock == "paused" and new.clock != "paused" and dossier.paused_at:
        dossier.due_at = calendar().resume_after_pause(
            dossier.due_at, dossier_deadline(dossier), dossier.paused_at, now
        )
        dossier.paused_seconds += int((now - dossier.paused_at).total_seconds())
        dossier.paused_at = None
    if new.clock in ("finished", "stopped") and dossier.finished_at is None:
        dossier.finished_at = now
        if new.clock == "finished" and dossier.due_at is not None:
            dossier.timing = str(calendar().classify(dossier.due_at, now))
    if code == RETURNED:
        dossier.returned_at = now
    dossier.status = code
    dossier.national_status = new.national


def _sync_tasks(
    session: Session,
    dossier: Dossier,
    workflow: BpmnWorkflow,
    calendar: Callable[[], WorkingCalendar],
    now: datetime,
    *,
    first_step: bool,
) -> None:
    loaded = [] if first_step else dossier.open_tasks
    open_rows = {row.spiff_task_id: row for row in loaded if row.state == OPEN}
    ready = {str(task.id): task for task in runtime.open_user_tasks(workflow)}
    for spiff_id, row in list(open_rows.items()):
        if spiff_id not in ready:
            row.state = CANCELLED
            del open_rows[spiff_id]
    for spiff_id, task in ready.items():
        if spiff_id in open_rows:
            continue
        lane = task.task_spec.lane or APPLICANT_LANE
        properties = runtime.task_properties(task)
        open_rows[spiff_id] = row = Task(
            dossier_id=dossier.id,
            spiff_task_id=spiff_id,
            bpmn_id=task.task_spec.bpmn_id,
            title=runtime.task_title(task),
            role=lane,
            agency_id=task_agency_id(session, dossier, task),
            form_name=properties.get("formJsonSchemaFilename"),
            due_at=_task_due_at(properties, dossier, calendar, now),
        )
        session.add(row)
    # the new rows go out with the step's history event, in one flush
    set_committed_value(dossier, "open_tasks", list(open_rows.values()))


def _task_due_at(
    properties: dict, dossier: Dossier, calendar: Callable[[], WorkingCalendar], now: datetime
) -> datetime | None:
    """The BPMN's `targetDuration` in working time from now, else the dossier's running due
    time (none while the clock is paused)."""
    target = parse_target_duration(properties.get("targetDuration"))
    return calendar().target_at(now, target) if target else running_due_at(dossier)


def _derive_status(session: Session, dossier: Dossier, workflow: BpmnWorkflow) -> str:
    if workflow.is_completed():
        return runtime.end_status(workflow) or dossier.status
    statuses = [
        runtime.task_properties(task).get("dossierStatus")
        for task in runtime.open_user_tasks(workflow)
    ]
    statuses = [code for code in statuses if code]
    if not statuses:
        return dossier.status
    paused = [code for code in statuses if get_status(code).clock == "paused"]
    return paused[0] if paused else statuses[-1]


def _sync_timer(
    session: Session, dossier: Dossier, workflow: BpmnWorkflow, *, first_step: bool
) -> None:
    due = runtime.next_timer_at(workflow)
    timer = None if first_step else dossier.timer
    if due is None:
        if timer is not None:
            session.delete(timer)
            set_committed_value(dossier, "timer", None)
    elif timer is None:
        timer = Timer(dossier_id=dossier.id, due_at=due)
        session.add(timer)
        set_committed_value(dossier, "timer", timer)
    else:
        timer.due_at = due


def _enqueue_service_calls(session: Session, dossier: Dossier, workflow: BpmnWorkflow) -> None:
    for call in workflow.script_engine.service_calls:
        notice_message(
            session,
            dossier,
            call.operation,
            call.payload,
            f"{dossier.id}:{call.spiff_task_id}:{call.operation}",
            spiff_task_id=call.spiff_task_id if call.waits_for_result else None,
        )
    workflow.script_engine.service_calls.clear()
