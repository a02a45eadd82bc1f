"""Completing and claiming tasks: each one step on the dossier."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.dossiers.step import StepRecord, lock_task, run_step
from engine.errors import Conflict, Forbidden, NotFound
from engine.procedures.form_data import validated_form_data
from engine.signing.requests import request_result_signatures, signature_method
from engine.tasks.access import may_work_on
from engine.tasks.models import COMPLETED, OPEN, Task
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.workflow import runtime

RESULT_READY = "result_ready"
ALREADY_DONE = "Công việc này đã được người khác xử lý. Vui lòng tải lại trang."


def complete_task(
    session: Session,
    actor: Actor,
    task_id: int,
    data: dict,
    *,
    expected_version: int | None = None,
) -> Task:
    """Validate the task's form data, complete the BPMN task and run the step."""
    task = _locked_task(session, actor, task_id)
    if task.state != OPEN or (expected_version is not None and task.version != expected_version):
        raise Conflict(ALREADY_DONE)
    dossier = task.dossier
    cleaned = validated_form_data(dossier.procedure_version, task.form_name, data)
    properties: dict = {}

    def complete(workflow) -> None:
        spiff_task = runtime.find_task(workflow, task.spiff_task_id)
        if spiff_task is None or spiff_task not in runtime.open_user_tasks(workflow):
            raise Conflict(ALREADY_DONE)
        properties.update(runtime.task_properties(spiff_task))
        spiff_task.data.update(cleaned)
        spiff_task.run()

    task.state = COMPLETED
    task.completed_at = utcnow()
    task.completed_by_id = actor.user_id
    run_step(
        session,
        dossier,
        actor,
        complete,
        StepRecord(
            action="task_completed",
            task_title=task.title,
            note=cleaned.get("note"),
            task_id=task.id,
        ),
    )
    method = signature_method(properties)
    if method is not None and dossier.status == RESULT_READY:
        request_result_signatures(session, dossier, method, actor)
    return task


def claim_task(session: Session, actor: Actor, task_id: int) -> Task:
    """Take an unclaimed task of one's role, so colleagues see who works on it.

    Only a person holds a task: another system's API key has no account to hold it by.
    """
    task = _locked_task(session, actor, task_id)
    if actor.user_id is None:
        raise Forbidden("Khóa API không nhận công việc thay cán bộ được.")
    if task.state != OPEN:
        raise Conflict(ALREADY_DONE)
    if task.assignee_id not in (None, actor.user_id):
        raise Conflict("Công việc đã được cán bộ khác nhận xử lý.")
    task.assignee_id = actor.user_id
    session.flush()
    return task


def release_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = _locked_task(session, actor, task_id)
    if task.state == OPEN and task.assignee_id == actor.user_id:
        task.assignee_id = None
        session.flush()
    return task


def _locked_task(session: Session, actor: Actor, task_id: int) -> Task:
    """Lock the task's dossier, then read the task as the lock holder sees it."""
    task = lock_task(session, task_id)
    if not may_work_on(actor, task):
        if task.assignee_id is not None and task.state == OPEN and _in_scope(actor, task):
            raise Conflict("Công việc đã được cán bộ khác nhận xử lý.")
        raise NotFound("Không tìm thấy công việc.")
    return task


def _in_scope(actor: Actor, task: Task) -> bool:
    return task.agency_id is not None and actor.has_role(task.role, task.agency_id)
