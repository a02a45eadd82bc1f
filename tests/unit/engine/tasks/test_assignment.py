"""A leader assigns a unit task to a named officer who holds the task's role there."""

from __future__ import annotations

import pytest

from engine.db import transaction
from engine.dossiers.models import DossierEvent
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.tasks.assignment import assign_task, get_unit_task, list_assignable_officers
from engine.timestamps import utcnow
from tests.factories import open_task


def assign(world, actor, task_id, officer_id):
    with world.session_factory() as session, transaction(session):
        return assign_task(session, actor, task_id, officer_id).assignee_id


def test_leader_assigns_to_an_officer_of_the_role_and_the_history_says_so(world):
    dossier_id = world.received_dossier("Nguyễn Văn A")
    task = open_task(world.session_factory, dossier_id, role="processing")
    colleague = world.officer("thuly3", "Đinh Văn Hải", {"processing": world.ward_id})
    leader = world.demo.actor("lanhdao")

    with world.session_factory() as session:
        unit_task = get_unit_task(session, leader, task.id)
        names = [user.full_name for user in list_assignable_officers(session, unit_task)]
    assert sorted(names) == ["Lê Văn Cường", "Vũ Thị Giang", "Đinh Văn Hải"]

    assert assign(world, leader, task.id, colleague.user_id) == colleague.user_id
    with world.session_factory() as session:
        event = session.query(DossierEvent).filter_by(action="task_assigned").one()
        assert event.actor_name == "Phạm Thị Dung" and event.note == "Phân công cho Đinh Văn Hải"
    assert [row.task.id for row in world.rows(colleague, utcnow(), tab="mine")] == [task.id]
    assert world.rows(world.demo.actor("thuly"), utcnow()) == []


def test_only_officers_holding_the_role_can_be_assigned(world):
    task = open_task(world.session_factory, world.received_dossier("Nguyễn Văn A"))
    reception = world.demo.actor("motcua")
    with pytest.raises(InvalidInput) as refused:
        assign(world, world.demo.actor("lanhdao"), task.id, reception.user_id)
    assert "vai trò" in refused.value.message


def test_officers_who_do_not_lead_cannot_assign(world):
    task = open_task(world.session_factory, world.received_dossier("Nguyễn Văn A"))
    processing = world.demo.actor("thuly")
    with pytest.raises(Forbidden):
        assign(world, processing, task.id, processing.user_id)


def test_leaders_of_another_agency_do_not_find_the_task(world):
    task = open_task(world.session_factory, world.received_dossier("Nguyễn Văn A"))
    stranger = world.officer("lanhdao2", "Lãnh đạo phường khác", {"leader": world.other_agency()})
    with pytest.raises(NotFound):
        assign(world, stranger, task.id, stranger.user_id)
