"""The inbox as an officer uses it: tabs, counts, filters, search, scope, one query per page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.tasks.completion import claim_task, release_task
from engine.tasks.due_state import Urgency, time_left
from engine.tasks.models import Task
from engine.tasks.queries import InboxFilter, count_inbox_tabs, list_inbox_rows
from engine.timestamps import LOCAL_TZ
from tests.factories import complete, open_task

#: a Wednesday morning, a working day
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


def test_search_ignores_case_and_diacritics_and_finds_codes_and_id_numbers(world):
    world.counter_dossier("Nguyễn Văn A", id_number="079188000111")
    world.counter_dossier("Trần Thị Đào", id_number="079188000222")
    reception = world.demo.actor("motcua")

    assert world.names(reception, NOW, search="nguyen van a") == ["Nguyễn Văn A"]
    assert world.names(reception, NOW, search="  TRAN thi dao ") == ["Trần Thị Đào"]
    assert world.names(reception, NOW, search="079188000222") == ["Trần Thị Đào"]
    assert world.names(reception, NOW, search="0791880002") == ["Trần Thị Đào"]
    assert world.names(reception, NOW, search="van") == ["Nguyễn Văn A"]
    assert world.names(reception, NOW, search="nguyen van b") == []
    (row,) = world.rows(reception, NOW, search="dao")
    assert world.names(reception, NOW, search=row.dossier.code.lower()) == ["Trần Thị Đào"]
    assert world.names(reception, NOW, search="%") == []


def test_claiming_moves_a_task_from_unclaimed_to_mine_and_hides_it_from_colleagues(world):
    first = world.counter_dossier("Nguyễn Văn A")
    world.counter_dossier("Trần Thị Đào")
    reception = world.demo.actor("motcua")
    colleague = world.officer("motcua2", "Võ Thị Giang", {"reception": world.ward_id})
    assert world.counts(reception, NOW) == {
        "todo": 2,
        "mine": 0,
        "unclaimed": 2,
        "handed_on": 0,
        "overdue": 0,
    }

    task_id = open_task(world.session_factory, first).id
    with world.session_factory() as session, transaction(session):
        claim_task(session, reception, task_id)
    assert world.names(reception, NOW, tab="mine") == ["Nguyễn Văn A"]
    assert world.names(reception, NOW, tab="unclaimed") == ["Trần Thị Đào"]
    assert world.counts(colleague, NOW)["todo"] == 1
    assert world.names(colleague, NOW) == ["Trần Thị Đào"]

    with world.session_factory() as session, transaction(session):
        release_task(session, reception, task_id)
    assert world.counts(colleague, NOW)["unclaimed"] == 2


def test_handed_on_lists_each_open_dossier_once_until_it_is_closed(world):
    dossier_id = world.received_dossier("Nguyễn Văn A")
    reception = world.demo.actor("motcua")
    (row,) = world.rows(reception, NOW, tab="handed_on")
    assert row.task.title and row.task.state == "completed"
    assert world.counts(reception, NOW)["handed_on"] == 1

    with world.session_factory() as session, transaction(session):
        session.get(Dossier, dossier_id).status = "returned"
    assert world.rows(reception, NOW, tab="handed_on") == []


def test_due_state_filters_and_row_colours_agree(world):
    processing = world.demo.actor("thuly")
    due = {
        "Quá Hạn": NOW - timedelta(hours=1),
        "Sắp Hạn": NOW + timedelta(hours=3),
        "Trong Hạn": NOW + timedelta(days=6),
        "Tạm Dừng": NOW - timedelta(days=3),
    }
    for name, due_at in due.items():
        dossier_id = world.received_dossier(name)
        paused = NOW - timedelta(days=4) if name == "Tạm Dừng" else None
        world.set_clock(dossier_id, due_at=due_at, paused_at=paused)

    expected = {
        Urgency.OVERDUE: ["Quá Hạn"],
        Urgency.DUE_SOON: ["Sắp Hạn"],
        Urgency.ON_TRACK: ["Trong Hạn"],
        Urgency.PAUSED: ["Tạm Dừng"],
        "today": ["Sắp Hạn"],
    }
    for urgency, names in expected.items():
        assert world.names(processing, NOW, urgency=urgency) == names, urgency
    assert world.names(processing, NOW, tab="overdue") == ["Quá Hạn"]

    for row in world.rows(processing, NOW):
        label = time_left(row.dossier, NOW, world.calendar)
        assert world.names(processing, NOW, urgency=label.urgency) == [row.dossier.applicant_name]
    paused = time_left(
        world.rows(processing, NOW, urgency="paused")[0].dossier, NOW, world.calendar
    )
    assert paused.text == "Tạm dừng" and paused.working_days is None


def test_default_order_is_soonest_due_first_and_pages_follow(world):
    for name, days in (("Ba", 3), ("Một", 1), ("Hai", 2)):
        world.set_clock(world.received_dossier(name), due_at=NOW + timedelta(days=days))
    processing = world.demo.actor("thuly")
    assert world.names(processing, NOW, per_page=2) == ["Một", "Hai"]
    assert world.names(processing, NOW, per_page=2, page=2) == ["Ba"]
    assert world.names(processing, NOW, sort="received")[0] == "Hai"


def test_filters_by_channel_procedure_field_status_and_received_dates(world):
    world.counter_dossier("Tại Quầy")
    world.counter_dossier("Bưu Chính", channel=3)
    world.received_dossier("Đã Nhận")
    reception = world.demo.actor("motcua")
    processing = world.demo.actor("thuly")
    with world.session_factory() as session:
        procedure = session.query(Dossier).first().procedure
        procedure_id, field = procedure.id, procedure.field

    assert world.names(reception, NOW, channel=3) == ["Bưu Chính"]
    assert sorted(world.names(reception, NOW, procedure_id=procedure_id)) == [
        "Bưu Chính",
        "Tại Quầy",
    ]
    assert world.names(reception, NOW, procedure_id=procedure_id + 999) == []
    assert field and len(world.names(reception, NOW, field=field)) == 2
    assert world.names(reception, NOW, field="Không có lĩnh vực này") == []
    assert world.counts(reception, NOW, field=field)["todo"] == 2
    assert world.counts(reception, NOW, field="Không có lĩnh vực này")["todo"] == 0
    assert world.counts(processing, NOW, field=field, search="da nhan")["todo"] == 1
    assert world.names(processing, NOW, status="processing") == ["Đã Nhận"]
    assert world.names(reception, NOW, status="processing") == []
    today = datetime.now(LOCAL_TZ).date()
    assert world.names(processing, NOW, received_from=today, received_until=today) == ["Đã Nhận"]
    assert world.names(processing, NOW, received_until=today - timedelta(days=1)) == []
    assert world.names(processing, NOW, received_from=date(2099, 1, 1)) == []


def test_officer_of_another_agency_sees_nothing(world):
    world.counter_dossier("Nguyễn Văn A")
    stranger = world.officer("khac", "Cán bộ phường khác", {"reception": world.other_agency()})
    assert world.rows(stranger, NOW) == []
    assert world.rows(stranger, NOW, tab="unit") == []
    assert set(world.counts(stranger, NOW).values()) == {0}


def test_leader_unit_tab_shows_every_open_task_and_filters_by_holder(world):
    world.received_dossier("Nguyễn Văn A")
    world.counter_dossier("Trần Thị Đào")
    leader = world.demo.actor("lanhdao")
    processing = world.demo.actor("thuly")
    assert sorted(world.names(leader, NOW, tab="unit")) == ["Nguyễn Văn A", "Trần Thị Đào"]
    task_id = world.rows(processing, NOW)[0].task.id
    with world.session_factory() as session, transaction(session):
        claim_task(session, processing, task_id)
    assert world.names(leader, NOW, tab="unit", officer_id=processing.user_id) == ["Nguyễn Văn A"]
    assert world.names(leader, NOW, tab="unit", officer_id=0) == ["Trần Thị Đào"]
    (row,) = world.rows(leader, NOW, tab="unit", officer_id=processing.user_id)
    assert row.assignee_name == "Lê Văn Cường"


def test_a_page_is_one_statement_whatever_its_length(world, statements):
    reception = world.demo.actor("motcua")
    world.counter_dossier("Người Thứ 1")
    lengths = {}
    for total in (1, 6):
        while len(world.rows(reception, NOW)) < total:
            world.counter_dossier(f"Người Thứ {len(world.rows(reception, NOW)) + 1}")
        with world.session_factory() as session:
            statements.clear()
            rows = list_inbox_rows(
                session, reception, InboxFilter(), now=NOW, calendar=world.calendar
            )
            shown = [
                (r.task.title, r.task.dossier.code, r.dossier.applicant_name, r.procedure.name)
                for r in rows
            ]
            lengths[total] = (len(shown), len(statements))
    assert lengths == {1: (1, 1), 6: (6, 1)}
    assert "JOIN dossiers" in statements[0] and "JOIN procedures" in statements[0]


def test_tab_counts_are_one_statement(world, statements):
    world.counter_dossier("Nguyễn Văn A")
    leader = world.demo.actor("lanhdao")
    with world.session_factory() as session:
        statements.clear()
        counts = count_inbox_tabs(session, leader, InboxFilter(), now=NOW, calendar=world.calendar)
    assert counts["unit"] == 1
    assert len(statements) == 1


def test_completed_and_cancelled_tasks_leave_the_working_tabs(world):
    dossier_id = world.received_dossier("Nguyễn Văn A")
    processing = world.demo.actor("thuly")
    assert world.counts(processing, NOW)["todo"] == 1
    task = open_task(world.session_factory, dossier_id, role="processing")
    complete(
        world.session_factory,
        processing,
        task.id,
        {"verification_note": "Hồ sơ hợp lệ.", "proposal": "propose_approve"},
    )
    counts = world.counts(processing, NOW)
    assert counts["todo"] == 0 and counts["handed_on"] == 1
    with world.session_factory() as session:
        assert session.query(Task).filter_by(dossier_id=dossier_id, state="open").count() == 1
