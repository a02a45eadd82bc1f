"""Going back in a dossier's workflow: return to the previous step, undo one's own last action,
and an administrator's move of a stuck dossier to a step it has been at.

All three reset the BPMN task tree with SpiffWorkflow 3.2's `reset_from_task_id`: the named task
becomes ready again with the data it had before, everything after it is dropped (timers and
waiting service calls included) and the step re-derives status and open tasks from that. The
legal clock keeps running: going back never gives the agency more time.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.queries import get_dossier
from engine.dossiers.statuses import get_status
from engine.dossiers.step import StepRecord, lock_task, run_step
from engine.dossiers.withdrawal import lock_dossier_by_code
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.tasks.access import may_work_on
from engine.tasks.models import COMPLETED, OPEN, Task
from engine.users.actor import Actor
from engine.users.roles import APPLICANT_LANE
from engine.workflow import runtime


def return_to_previous_step(session: Session, actor: Actor, task_id: int, *, reason: str) -> Task:
    """The holder of an open task sends the dossier back to the officer step before it."""
    task = _locked_task(session, actor, task_id)
    reason = _required(reason, "Vui lòng nêu lý do trả lại.")
    dossier = task.dossier
    target: dict[str, str] = {}

    def back(workflow) -> None:
        previous = _previous_officer_task(runtime.find_task(workflow, task.spiff_task_id))
        if previous is None:
            raise Conflict("Không có bước xử lý trước để trả lại.")
        target["id"] = str(previous.id)
        reset_to(workflow, previous.id)

    run_step(
        session,
        dossier,
        actor,
        back,
        StepRecord(action="returned_to_previous", task_title=task.title, note=reason),
    )
    reopened = _reopened(session, dossier, target["id"])
    reopened.assignee_id = _last_completer(session, dossier, target["id"])
    queue_applicant_notice(session, dossier, "returned_to_previous")
    session.flush()
    return reopened


def undo_last_action(session: Session, actor: Actor, code: str) -> Task:
    """Reopen the task the actor completed last, while nobody has acted on the dossier since."""
    dossier = lock_dossier_by_code(session, actor, code)
    if actor.user_id is None or not actor.is_officer:
        raise Forbidden("Chỉ cán bộ xử lý mới hoàn tác được thao tác của mình.")
    mine = undoable_task(session, actor, dossier)
    if mine is None:
        raise Conflict(
            "Chỉ hoàn tác được thao tác cuối cùng của chính mình khi người nhận chưa xử lý."
        )

    def undo(workflow) -> None:
        reset_to(workflow, UUID(mine.spiff_task_id))

    run_step(
        session,
        dossier,
        actor,
        undo,
        StepRecord(action="undone", task_title=mine.title, note="Hoàn tác thao tác vừa thực hiện"),
    )
    reopened = _reopened(session, dossier, mine.spiff_task_id)
    reopened.assignee_id = actor.user_id
    queue_applicant_notice(session, dossier, "action_undone")
    session.flush()
    return reopened


def undoable_task(session: Session, actor: Actor, dossier: Dossier) -> Task | None:
    """The actor's last completed task, if the dossier is unfinished and nobody acted since."""
    if actor.user_id is None or get_status(dossier.status).final:
        return None
    last = session.scalar(
        select(Task)
        .where(Task.dossier_id == dossier.id, Task.state == COMPLETED)
        .order_by(Task.completed_at.desc(), Task.id.desc())
        .limit(1)
    )
    if last is None or last.completed_by_id != actor.user_id or last.role == APPLICANT_LANE:
        return None
    last_person_event = session.scalar(
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier.id, DossierEvent.actor_id.is_not(None))
        .order_by(DossierEvent.at.desc(), DossierEvent.id.desc())
        .limit(1)
    )
    if last_person_event is None or last_person_event.actor_id != actor.user_id:
        return None
    if last_person_event.action != "task_completed":
        return None
    claimed = session.scalar(
        select(Task.id).where(
            Task.dossier_id == dossier.id,
            Task.state == OPEN,
            Task.assignee_id.is_not(None),
            Task.assignee_id != actor.user_id,
        )
    )
    return None if claimed else last


def move_dossier_to_step(
    session: Session, actor: Actor, code: str, *, bpmn_id: str, reason: str
) -> Dossier:
    """An administrator of the agency moves a stuck dossier back to a step it has been at."""
    dossier = lock_dossier_by_code(session, actor, code)
    if not may_move(actor, dossier):
        raise Forbidden("Chỉ quản trị hệ thống của cơ quan mới chuyển được bước xử lý.")
    if get_status(dossier.status).final:
        raise Conflict("Hồ sơ đã kết thúc, không chuyển bước được.")
    reason = _required(reason, "Vui lòng nêu lý do chuyển bước.")
    titles = dict(reached_steps(session, dossier))
    if bpmn_id not in titles:
        message = "Chỉ chuyển được hồ sơ về một bước nó đã qua."
        raise InvalidInput(message, {"bpmn_id": message})

    def move(workflow) -> None:
        reached = [
            task
            for task in workflow.get_tasks(state=TaskState.COMPLETED, spec_name=bpmn_id)
            if task.task_spec.manual
        ]
        if not reached:
            raise InvalidInput("Chỉ chuyển được hồ sơ về một bước nó đã qua.")
        reached.sort(key=lambda task: task.last_state_change)
        reset_to(workflow, reached[-1].id)

    run_step(
        session,
        dossier,
        actor,
        move,
        StepRecord(action="moved_by_admin", task_title=titles[bpmn_id], note=reason),
    )
    queue_applicant_notice(session, dossier, "moved_by_admin")
    return dossier


def may_move(actor: Actor, dossier: Dossier) -> bool:
    return any(
        actor.has_role("admin", agency_id)
        for agency_id in (dossier.agency_id, dossier.receiving_agency_id)
    )


def movable_steps(session: Session, actor: Actor, dossier: Dossier) -> list[tuple[str, str]]:
    """The reached steps the actor may move the dossier to: none unless an administrator of
    its agency, none once the dossier has ended."""
    if not may_move(actor, dossier) or get_status(dossier.status).final:
        return []
    return reached_steps(session, dossier)


def list_movable_steps(session: Session, actor: Actor, code: str) -> list[tuple[str, str]]:
    """movable_steps of a dossier the actor may see (NotFound otherwise), by its code."""
    return movable_steps(session, actor, get_dossier(session, actor, code))


def reached_steps(session: Session, dossier: Dossier) -> list[tuple[str, str]]:
    """(BPMN id, title) of officer steps the dossier has completed, in first-reached order."""
    rows = session.execute(
        select(Task.bpmn_id, Task.title)
        .where(
            Task.dossier_id == dossier.id,
            Task.state == COMPLETED,
            Task.role != APPLICANT_LANE,
        )
        .order_by(Task.id)
    ).all()
    return list(dict((bpmn_id, title) for bpmn_id, title in rows).items())


def reset_to(workflow, spiff_task_id: UUID) -> None:
    """reset_from_task_id, and forget the dropped tasks' waiting events.

    SpiffWorkflow 3.2 leaves a dropped boundary timer registered with the event manager; the
    next refresh_timers then fails on a task that has no parent any more.
    """
    for dropped in workflow.reset_from_task_id(spiff_task_id):
        workflow.event_manager.remove_task(dropped)


def _previous_officer_task(spiff_task):
    """The nearest completed officer user task above this one in the task tree."""
    previous = spiff_task.parent if spiff_task is not None else None
    while previous is not None:
        spec = previous.task_spec
        if (
            spec.manual
            and previous.state == TaskState.COMPLETED
            and (spec.lane or APPLICANT_LANE) != APPLICANT_LANE
            and spec.name == spec.bpmn_id
        ):
            return previous
        previous = previous.parent
    return None


def _locked_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = lock_task(session, task_id)
    if task.role == APPLICANT_LANE or not may_work_on(actor, task):
        raise NotFound("Không tìm thấy công việc.")
    if task.state != OPEN:
        raise Conflict("Công việc này đã được xử lý. Vui lòng tải lại trang.")
    return task


def _reopened(session: Session, dossier: Dossier, spiff_task_id: str) -> Task:
    return session.scalars(
        select(Task).where(
            Task.dossier_id == dossier.id,
            Task.spiff_task_id == spiff_task_id,
            Task.state == OPEN,
        )
    ).one()


def _last_completer(session: Session, dossier: Dossier, spiff_task_id: str) -> int | None:
    return session.scalar(
        select(Task.completed_by_id)
        .where(
            Task.dossier_id == dossier.id,
            Task.spiff_task_id == spiff_task_id,
            Task.state == COMPLETED,
        )
        .order_by(Task.completed_at.desc(), Task.id.desc())
        .limit(1)
    )


def _required(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, {"reason": message})
    return text
