"""A leader hands a task of the unit to a named officer who holds the task's role there."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import DossierEvent
from engine.dossiers.step import lock_dossier
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.tasks.completion import ALREADY_DONE
from engine.tasks.models import OPEN, Task
from engine.tasks.queries import LEADER_ROLES
from engine.users.actor import Actor
from engine.users.models import RoleAssignment, User
from engine.users.officers import officers_holding
from engine.users.roles import APPLICANT_LANE


def may_assign(actor: Actor, task: Task) -> bool:
    """Leaders (department or agency) of the task's agency assign its officer tasks."""
    return (
        task.role != APPLICANT_LANE
        and task.agency_id is not None
        and any(actor.has_role(role, task.agency_id) for role in LEADER_ROLES)
    )


def list_assignable_officers(session: Session, task: Task) -> list[User]:
    """The active officers who hold the task's role in its agency, by name."""
    return officers_holding(session, task.role, task.agency_id)


def assign_task(session: Session, actor: Actor, task_id: int, officer_id: int) -> Task:
    """Give an open task to a named officer of the unit; the history records who did it."""
    task = get_unit_task(session, actor, task_id)
    dossier = lock_dossier(session, task.dossier_id)
    session.refresh(task)
    if task.state != OPEN:
        raise Conflict(ALREADY_DONE)
    officer = _officer_holding_role(session, task, officer_id)
    task.assignee_id = officer.id
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            actor_id=actor.user_id,
            actor_name=actor.full_name,
            action="task_assigned",
            task_title=task.title,
            from_status=dossier.status,
            to_status=dossier.status,
            note=f"Phân công cho {officer.full_name}",
        )
    )
    session.flush()
    return task


def get_unit_task(session: Session, actor: Actor, task_id: int) -> Task:
    """A task of a unit the actor leads; NotFound outside the actor's agencies."""
    task = session.get(Task, task_id)
    if task is None or task.agency_id is None or task.agency_id not in actor.agency_ids:
        raise NotFound("Không tìm thấy công việc.")
    if not may_assign(actor, task):
        raise Forbidden("Chỉ lãnh đạo đơn vị mới được phân công công việc.")
    return task


def _officer_holding_role(session: Session, task: Task, officer_id: int) -> User:
    officer = session.scalar(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            User.id == officer_id,
            User.kind == "officer",
            User.is_active,
            RoleAssignment.role == task.role,
            RoleAssignment.agency_id == task.agency_id,
        )
    )
    if officer is None:
        raise InvalidInput(
            "Cán bộ được chọn không giữ vai trò xử lý công việc này tại đơn vị.",
            {"officer_id": "Vui lòng chọn một cán bộ của đơn vị có vai trò phù hợp."},
        )
    return officer
