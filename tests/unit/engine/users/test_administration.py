"""Deactivating an officer hands their open tasks back; admins act only within their tree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.errors import NotFound
from engine.tasks.models import Task
from engine.users.actor import load_actor
from engine.users.administration import deactivate_user
from engine.users.models import RoleAssignment, User
from tests.factories import open_task, submit


def user_id(session_factory, username: str) -> int:
    with session_factory() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_deactivated_officers_tasks_return_to_the_queue(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception_id = user_id(session_factory, "motcua")
    task = open_task(session_factory, dossier_id)
    with session_factory() as session, transaction(session):
        session.get(Task, task.id).assignee_id = reception_id
    admin = demo.actor("quantri")
    with session_factory() as session, transaction(session):
        assert deactivate_user(session, admin, reception_id, reason="Nghỉ hưu") == 1
    with session_factory() as session:
        assert session.get(Task, task.id).assignee_id is None
        assert session.get(User, reception_id).is_active is False
        with pytest.raises(NotFound):
            load_actor(session, reception_id)


def test_admin_of_another_ward_cannot_deactivate_this_wards_officer(demo, session_factory):
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.parent_id.is_(None)))
        other = Agency(code="000.00.21.H25", name="UBND phường Hiệp Thành", level="commune")
        other.parent_id = province.id
        session.add(other)
        session.flush()
        stranger = User(username="qt_ht", full_name="Quản trị Hiệp Thành", kind="officer")
        stranger.roles = [RoleAssignment(role="admin", agency_id=other.id)]
        session.add(stranger)
        session.flush()
        stranger_actor = load_actor(session, stranger.id)
        province_admin = User(username="qt_tinh", full_name="Quản trị tỉnh", kind="officer")
        province_admin.roles = [RoleAssignment(role="admin", agency_id=province.id)]
        session.add(province_admin)
        session.flush()
        province_actor = load_actor(session, province_admin.id)
    processing_id = user_id(session_factory, "thuly")
    with pytest.raises(NotFound), session_factory() as session:
        deactivate_user(session, stranger_actor, processing_id)
    with session_factory() as session, transaction(session):
        deactivate_user(session, province_actor, processing_id)
    with session_factory() as session:
        assert session.get(User, processing_id).is_active is False
