"""Handing a task to a named colleague of the unit (chuyển cán bộ khác xử lý)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.step import StepRecord, lock_task, run_step
from engine.errors import Conflict, InvalidInput, NotFound
from engine.tasks.access import may_work_on
from engine.tasks.models import OPEN, Task
from engine.users.actor import Actor
from engine.users.models import User
from engine.users.officers import officers_holding

#: leaders may hand any open task of their unit to an officer, not only their own
ASSIGNING_ROLES = ("leader", "agency_leader")


def forward_task(
    session: Session, actor: Actor, task_id: int, *, to_user_id: int, note: str = ""
) -> Task:
    """Offer an open task to one colleague who holds its role in its agency; history says so."""
    task = _locked_open_task(session, actor, task_id)
    colleague = {user.id: user for user in forward_candidates(session, task)}.get(to_user_id)
    if colleague is None or colleague.id == actor.user_id:
        message = "Chọn một cán bộ khác của đơn vị có quyền xử lý công việc này."
        raise InvalidInput(message, {"to_user_id": message})
    task.assignee_id = colleague.id
    text = f"Chuyển cho {colleague.full_name}" + (f": {note.strip()}" if note.strip() else "")
    run_step(
        session,
        task.dossier,
        actor,
        lambda _workflow: None,
        StepRecord(action="forwarded", task_title=task.title, note=text),
    )
    queue_applicant_notice(session, task.dossier, "forwarded", officer=colleague.full_name)
    return task


def forward_candidates(session: Session, task: Task) -> list[User]:
    """Active officers holding the task's role in the task's agency."""
    if task.agency_id is None:
        return []
    return officers_holding(session, task.role, task.agency_id)


def may_forward(actor: Actor, task: Task) -> bool:
    if task.state != OPEN or task.agency_id is None:
        return False
    if any(actor.has_role(role, task.agency_id) for role in ASSIGNING_ROLES):
        return True
    return may_work_on(actor, task)


def _locked_open_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = lock_task(session, task_id)
    if task.agency_id is None or not (
        may_forward(actor, task) or actor.has_role(task.role, task.agency_id)
    ):
        raise NotFound("Không tìm thấy công việc.")
    if not may_forward(actor, task):
        raise Conflict("Công việc đã được cán bộ khác nhận xử lý hoặc đã hoàn thành.")
    return task
