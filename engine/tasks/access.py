"""Who may see and complete a task: the scope rule every task query and action uses."""

from __future__ import annotations

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.dossiers.models import Dossier
from engine.tasks.models import Task
from engine.users.actor import Actor
from engine.users.roles import APPLICANT_LANE


def may_work_on(actor: Actor, task: Task) -> bool:
    if task.role == APPLICANT_LANE:
        return actor.user_id is not None and task.dossier.applicant_user_id == actor.user_id
    if task.agency_id is None or not actor.has_role(task.role, task.agency_id):
        return False
    return task.assignee_id in (None, actor.user_id)


def workable_tasks_clause(actor: Actor) -> ColumnElement[bool]:
    """The SQL form of may_work_on (assignee aside), for inbox queries (needs Dossier joined)."""
    clauses = [
        and_(Task.role == role, Task.agency_id.in_(sorted(agency_ids)))
        for role, agency_ids in actor.roles.items()
        if agency_ids
    ]
    if actor.user_id is not None and actor.kind in ("citizen", "organisation"):
        clauses.append(
            and_(Task.role == APPLICANT_LANE, Dossier.applicant_user_id == actor.user_id)
        )
    return or_(*clauses) if clauses else false()
