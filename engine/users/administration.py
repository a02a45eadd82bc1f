"""Administrators' operations on officers: deactivation hands their work back to the unit."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.agencies.tree import require_admin_of
from engine.errors import Conflict
from engine.tasks.models import OPEN, Task
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change
from engine.users.models import RoleAssignment
from engine.users.officers import get_officer


def deactivate_user(session: Session, actor: Actor, user_id: int, *, reason: str = "") -> int:
    """Deactivate an officer; their open tasks go back to the unit's queue (no assignee).

    An officer outside the actor's sight is not found, as on every officer page. The
    administrator must administer every agency where the officer holds a role, so an
    administrator of agency A cannot switch off agency B's people. Returns how many tasks
    were handed back.
    """
    user = get_officer(session, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict("Không thể tự khóa tài khoản của mình.")
    agencies = set(
        session.scalars(select(RoleAssignment.agency_id).where(RoleAssignment.user_id == user.id))
    )
    for agency_id in agencies or {None}:
        require_admin_of(session, actor, agency_id)
    user.is_active = False
    handed_back = session.execute(
        update(Task)
        .where(Task.assignee_id == user.id, Task.state == OPEN)
        .values(assignee_id=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    record_admin_change(
        session,
        actor,
        "user_deactivated",
        f"user:{user.username}",
        {"reason": reason, "tasks_handed_back": handed_back},
    )
    session.flush()
    return handed_back
