"""Inbox reads: the read model only, one query per page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from engine.dossiers.models import Dossier
from engine.errors import NotFound
from engine.tasks.access import may_work_on, workable_tasks_clause
from engine.tasks.models import OPEN, Task
from engine.users.actor import Actor


def list_inbox(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> list[Task]:
    """Open tasks the actor may work on, soonest due first."""
    statement = (
        select(Task)
        .join(Task.dossier)
        .options(contains_eager(Task.dossier))
        .where(Task.state == OPEN, workable_tasks_clause(actor))
        .where((Task.assignee_id.is_(None)) | (Task.assignee_id == actor.user_id))
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(session.scalars(statement))


def count_inbox(session: Session, actor: Actor) -> int:
    return session.scalar(
        select(func.count(Task.id))
        .join(Task.dossier)
        .where(Task.state == OPEN, workable_tasks_clause(actor))
        .where((Task.assignee_id.is_(None)) | (Task.assignee_id == actor.user_id))
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
