"""Processing actions through the service layer: status code, history, deadline, scope, notice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE
from engine.dossiers.handover import forward_task
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.queries import get_dossier
from engine.dossiers.rewind import move_dossier_to_step, return_to_previous_step, undo_last_action
from engine.dossiers.withdrawal import withdraw_dossier
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.outbox.models import OutboxMessage
from engine.tasks.models import OPEN, Task
from engine.tasks.queries import list_inbox
from tests.factories import complete, open_task, submit

APPROVE = {"verification_note": "Hồ sơ đầy đủ.", "proposal": "propose_approve"}


def received(demo, session_factory) -> tuple[int, str]:
    """A dossier submitted online and accepted at reception: processing is open."""
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
    return dossier_id, code


def act(session_factory, action, *args, **kwargs):
    with session_factory() as session, transaction(session):
        return action(session, *args, **kwargs)


def load(session_factory, dossier_id) -> Dossier:
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        dossier.agency_links  # noqa: B018  (load before the session closes)
        return dossier


def last_event(session_factory, dossier_id) -> DossierEvent:
    with session_factory() as session:
        return session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.id.desc())
        ).first()


def notices(session_factory, dossier_id) -> list[str]:
    with session_factory() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.dossier_id == dossier_id,
                OutboxMessage.operation == "notify/applicant",
            )
            .order_by(OutboxMessage.id)
        )
        return [row.payload["template"] for row in rows]


def open_tasks(session_factory, dossier_id) -> list[Task]:
    with session_factory() as session:
        return list(
            session.scalars(select(Task).where(Task.dossier_id == dossier_id, Task.state == OPEN))
        )


def test_forward_offers_the_task_to_the_named_colleague_only(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    task = open_task(session_factory, dossier_id, "processing")
    colleague = demo.actor("thuly2")
    before = load(session_factory, dossier_id)

    act(
        session_factory,
        forward_task,
        demo.actor("thuly"),
        task.id,
        to_user_id=colleague.user_id,
        note="Anh Giang phụ trách hộ tịch tuần này",
    )

    processing = demo.actor("thuly")
    with session_factory() as session:
        assert [t.id for t in list_inbox(session, colleague)] == [task.id]
        assert list_inbox(session, processing) == []
    event = last_event(session_factory, dossier_id)
    assert event.action == "forwarded"
    assert event.note == "Chuyển cho Vũ Thị Giang: Anh Giang phụ trách hộ tịch tuần này"
    after = load(session_factory, dossier_id)
    assert (after.status, after.national_status, after.due_at) == ("processing", 4, before.due_at)
    assert notices(session_factory, dossier_id)[-1] == "forwarded"
    with pytest.raises(Conflict):
        complete(session_factory, demo.actor("thuly"), task.id, APPROVE)
    complete(session_factory, colleague, task.id, APPROVE)
    assert load(session_factory, dossier_id).status == "awaiting_approval"


def test_forward_refuses_someone_without_the_role(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    task = open_task(session_factory, dossier_id, "processing")
    with pytest.raises(InvalidInput) as error:
        act(
            session_factory,
            forward_task,
            demo.actor("thuly"),
            task.id,
            to_user_id=demo.actor("motcua").user_id,
        )
    assert "to_user_id" in error.value.field_errors
    with pytest.raises(InvalidInput):
        act(
            session_factory,
            forward_task,
            demo.actor("thuly"),
            task.id,
            to_user_id=demo.actor("thulycn").user_id,
        )


def test_transfer_moves_the_dossier_to_the_partner_inbox_and_back(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    home, partner = demo.actor("thuly"), demo.actor("thulycn")
    before = load(session_factory, dossier_id)
    complete(
        session_factory,
        home,
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Cần xác minh nơi cư trú của mẹ.",
            "proposal": "transfer",
            "target_agency_code": PARTNER_WARD_CODE,
        },
    )

    transferred = load(session_factory, dossier_id)
    assert (transferred.status, transferred.national_status) == ("transferred", 4)
    assert transferred.agency_id != transferred.receiving_agency_id
    assert transferred.due_at == before.due_at
    assert [link.part for link in transferred.agency_links] == ["transfer"]
    assert notices(session_factory, dossier_id) == ["received", "transferred"]
    with session_factory() as session:
        [partner_task] = list_inbox(session, partner)
        assert partner_task.title == "Xử lý liên thông"
        assert list_inbox(session, home) == []
        assert get_dossier(session, home, code).status == "transferred"
        assert get_dossier(session, partner, code).code == code

    complete(session_factory, partner, partner_task.id, {"partner_result": "Đã xác minh."})
    back = load(session_factory, dossier_id)
    assert (back.status, back.agency_id) == ("processing", back.receiving_agency_id)
    assert open_task(session_factory, dossier_id, "processing").agency_id == back.agency_id
    with session_factory() as session:
        assert get_dossier(session, partner, code).code == code  # keeps read access
        assert list_inbox(session, partner) == []


def test_transfer_to_an_unknown_agency_is_refused_on_the_field(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    task = open_task(session_factory, dossier_id, "processing")
    with pytest.raises(InvalidInput) as error:
        complete(
            session_factory,
            demo.actor("thuly"),
            task.id,
            {"verification_note": "x", "proposal": "transfer", "target_agency_code": "XYZ"},
        )
    assert "target_agency_code" in error.value.field_errors
    assert open_task(session_factory, dossier_id, "processing").id == task.id


def test_coordinating_units_give_opinions_before_the_main_handler_decides(demo, session_factory):
    dossier_id, _code = received(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Xin ý kiến.",
            "proposal": "consult",
            "coordinating_agency_codes": [PARTNER_WARD_CODE],
        },
    )

    [opinion_task] = open_tasks(session_factory, dossier_id)
    assert opinion_task.title == "Cho ý kiến phối hợp"
    dossier = load(session_factory, dossier_id)
    assert (dossier.status, dossier.agency_id) == ("processing", dossier.receiving_agency_id)
    assert [link.part for link in dossier.agency_links] == ["coordination"]
    home, partner = demo.actor("thuly"), demo.actor("thulycn")
    with session_factory() as session:
        assert list_inbox(session, home) == []
        assert [t.id for t in list_inbox(session, partner)] == [opinion_task.id]

    complete(
        session_factory,
        demo.actor("thulycn"),
        opinion_task.id,
        {"coordination_opinion": "Thống nhất."},
    )
    main = open_task(session_factory, dossier_id, "processing")
    assert main.bpmn_id == "Task_Processing"
    assert main.agency_id == load(session_factory, dossier_id).receiving_agency_id


def test_stop_processing_ends_with_status_8_and_its_legal_reason(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    reason = "Trẻ đã được đăng ký khai sinh tại nơi khác (khoản 1 Điều 13 Luật Hộ tịch)."
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Trùng đăng ký.",
            "proposal": "stop_processing",
            "stop_reason": reason,
        },
    )

    stopped = load(session_factory, dossier_id)
    assert (stopped.status, stopped.national_status) == ("stopped", 8)
    assert stopped.finished_at is not None and stopped.timing is None
    assert open_tasks(session_factory, dossier_id) == []
    assert notices(session_factory, dossier_id) == ["received", "stopped"]


def test_stop_processing_needs_a_reason(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    with pytest.raises(InvalidInput) as error:
        complete(
            session_factory,
            demo.actor("thuly"),
            open_task(session_factory, dossier_id, "processing").id,
            {"verification_note": "x", "proposal": "stop_processing"},
        )
    assert "stop_reason" in error.value.field_errors


def test_applicant_withdraws_an_unfinished_dossier(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    act(
        session_factory,
        withdraw_dossier,
        demo.actor("congdan"),
        code,
        reason="Gia đình đăng ký tại nơi cư trú của mẹ.",
    )

    withdrawn = load(session_factory, dossier_id)
    assert (withdrawn.status, withdrawn.national_status) == ("withdrawn", 7)
    assert open_tasks(session_factory, dossier_id) == []
    event = last_event(session_factory, dossier_id)
    assert (event.action, event.from_status, event.to_status) == (
        "withdrawn",
        "processing",
        "withdrawn",
    )
    assert event.note == "Gia đình đăng ký tại nơi cư trú của mẹ."
    assert notices(session_factory, dossier_id) == ["received", "withdrawn"]
    with pytest.raises(Conflict):
        act(session_factory, withdraw_dossier, demo.actor("congdan"), code, reason="lần hai")


def test_withdrawal_is_refused_once_the_result_is_ready_and_to_strangers(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    with pytest.raises(NotFound):
        act(session_factory, withdraw_dossier, demo.actor("thulycn"), code, reason="x")
    with pytest.raises(Forbidden):
        act(session_factory, withdraw_dossier, demo.actor("thuly"), code, reason="x")
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    with pytest.raises(Conflict):
        act(session_factory, withdraw_dossier, demo.actor("congdan"), code, reason="x")
    assert load(session_factory, dossier_id).status == "result_ready"


def test_leader_returns_the_dossier_to_the_officer_who_processed_it(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    due = load(session_factory, dossier_id).due_at
    approval = open_task(session_factory, dossier_id, "leader")

    act(
        session_factory,
        return_to_previous_step,
        demo.actor("lanhdao"),
        approval.id,
        reason="Kiểm tra lại quê quán của trẻ.",
    )

    back = load(session_factory, dossier_id)
    assert (back.status, back.national_status, back.due_at) == ("processing", 4, due)
    reopened = open_task(session_factory, dossier_id, "processing")
    assert reopened.assignee_id == demo.actor("thuly").user_id
    event = last_event(session_factory, dossier_id)
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "returned_to_previous",
        "awaiting_approval",
        "processing",
        "Kiểm tra lại quê quán của trẻ.",
    )
    assert notices(session_factory, dossier_id)[-1] == "returned_to_previous"
    complete(session_factory, demo.actor("thuly"), reopened.id, APPROVE)
    assert load(session_factory, dossier_id).status == "awaiting_approval"


def test_return_to_previous_needs_a_reason_and_the_task_holder(demo, session_factory):
    dossier_id, _ = received(demo, session_factory)
    task = open_task(session_factory, dossier_id, "processing")
    with pytest.raises(InvalidInput):
        act(session_factory, return_to_previous_step, demo.actor("thuly"), task.id, reason=" ")
    with pytest.raises(NotFound):
        act(session_factory, return_to_previous_step, demo.actor("thulycn"), task.id, reason="x")


def test_undo_own_last_action_while_the_next_holder_has_not_acted(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    processing = demo.actor("thuly")
    complete(
        session_factory,
        processing,
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    assert load(session_factory, dossier_id).status == "awaiting_approval"

    with pytest.raises(Conflict):
        act(session_factory, undo_last_action, demo.actor("motcua"), code)
    reopened = act(session_factory, undo_last_action, processing, code)

    assert load(session_factory, dossier_id).status == "processing"
    assert [t.id for t in open_tasks(session_factory, dossier_id)] == [reopened.id]
    with session_factory() as session:
        assert session.get(Task, reopened.id).assignee_id == processing.user_id
    assert last_event(session_factory, dossier_id).action == "undone"
    assert notices(session_factory, dossier_id)[-1] == "action_undone"


def test_undo_is_refused_once_the_next_holder_acted(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    leader_task = open_task(session_factory, dossier_id, "leader")
    from engine.tasks.completion import claim_task

    act(session_factory, claim_task, demo.actor("lanhdao"), leader_task.id)
    with pytest.raises(Conflict):
        act(session_factory, undo_last_action, demo.actor("thuly"), code)
    assert load(session_factory, dossier_id).status == "awaiting_approval"


def test_neither_the_applicant_nor_an_api_key_undoes_nor_claims(demo, session_factory):
    from engine.api_clients.authentication import client_actor
    from engine.api_clients.models import ApiClientKey
    from engine.tasks.completion import claim_task

    dossier_id, code = received(demo, session_factory)
    ward_id = load(session_factory, dossier_id).agency_id
    key = client_actor(
        ApiClientKey(id=1, prefix="mc_live_test", client_name="x", agency_ids=[ward_id])
    )
    with pytest.raises(Forbidden):
        act(session_factory, undo_last_action, demo.actor("congdan"), code)
    with pytest.raises(Forbidden):
        act(session_factory, undo_last_action, key, code)
    task = open_task(session_factory, dossier_id, "processing")
    with pytest.raises(Forbidden):
        act(session_factory, claim_task, key, task.id)
    with session_factory() as session:
        assert session.get(Task, task.id).assignee_id is None


def test_only_the_agency_administrator_has_steps_to_move_to(demo, session_factory):
    from engine.dossiers.rewind import list_movable_steps

    _, code = received(demo, session_factory)
    admin, reception, citizen = (demo.actor(name) for name in ("quantri", "motcua", "congdan"))
    stranger = demo.actor("thulycn")
    with session_factory() as session:
        assert list_movable_steps(session, admin, code) == [("Task_Reception", "Tiếp nhận hồ sơ")]
        assert list_movable_steps(session, reception, code) == []
        assert list_movable_steps(session, citizen, code) == []
        with pytest.raises(NotFound):
            list_movable_steps(session, stranger, code)


def test_admin_moves_a_dossier_to_a_named_step_with_the_reason(demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    due = load(session_factory, dossier_id).due_at

    with pytest.raises(Forbidden):
        act(
            session_factory,
            move_dossier_to_step,
            demo.actor("thuly"),
            code,
            bpmn_id="Task_Reception",
            reason="x",
        )
    with pytest.raises(InvalidInput):
        act(
            session_factory,
            move_dossier_to_step,
            demo.actor("quantri"),
            code,
            bpmn_id="Task_ReturnResult",
            reason="x",
        )
    act(
        session_factory,
        move_dossier_to_step,
        demo.actor("quantri"),
        code,
        bpmn_id="Task_Reception",
        reason="Tiếp nhận nhầm thủ tục, kiểm tra lại.",
    )

    moved = load(session_factory, dossier_id)
    assert (moved.status, moved.national_status, moved.due_at) == ("submitted", 1, due)
    assert open_task(session_factory, dossier_id, "reception").bpmn_id == "Task_Reception"
    event = last_event(session_factory, dossier_id)
    assert (event.action, event.task_title, event.note) == (
        "moved_by_admin",
        "Tiếp nhận hồ sơ",
        "Tiếp nhận nhầm thủ tục, kiểm tra lại.",
    )
    assert event.actor_name == "Hoàng Văn Em"


def test_a_withdrawal_leaves_other_dossiers_of_the_version_untouched(demo, session_factory):
    from engine.workflow.models import Timer

    withdrawn_id, code = received(demo, session_factory)
    act(session_factory, withdraw_dossier, demo.actor("congdan"), code, reason="Không cần nữa.")
    with session_factory() as session:
        assert session.get(Timer, withdrawn_id) is None

    dossier_id, _ = received(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        APPROVE,
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"return_channel": "counter", "returned_to": "Nguyễn Văn An"},
    )
    assert load(session_factory, dossier_id).national_status == 10
