"""An officer asks for an extension, a leader of the dossier's agency approves or refuses it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from engine.agencies.models import Agency
from engine.calendar.working_days import VIETNAM_TZ, calendar_from_session
from engine.db import transaction
from engine.deadlines.extension_requests import (
    approve_request,
    dossier_requests,
    extension_requests_of,
    refuse_request,
    request_extension,
    requests_for_leader,
    requests_to_decide,
)
from engine.deadlines.extensions import list_extensions
from engine.deadlines.models import APPROVED, PENDING, REFUSED
from engine.demo import PARTNER_WARD_CODE
from engine.dossiers.models import Dossier
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.outbox.models import OutboxMessage
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password
from tests.factories import complete, open_task, submit

REASON = "Cần xác minh giấy chứng sinh với bệnh viện"


def received_dossier(demo, session_factory) -> tuple[int, str]:
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    with session_factory() as session:
        return dossier_id, session.get(Dossier, dossier_id).code


def other_ward_leader(session_factory) -> None:
    """lanhdaocn: leader of the partner ward, not of the ward handling the demo's dossiers."""
    with session_factory() as session, transaction(session):
        partner = session.scalar(select(Agency).where(Agency.code == PARTNER_WARD_CODE))
        user = User(
            username="lanhdaocn",
            full_name="Ngô Thị Lan",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        user.roles = [
            RoleAssignment(role=role, agency_id=partner.id) for role in ("leader", "agency_leader")
        ]
        session.add(user)


def apologies(session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.payload["template"].as_string() == "apology_extension")
    )


def due_at(session_factory, dossier_id):
    with session_factory() as session:
        return session.get(Dossier, dossier_id).due_at


def ask(session_factory, actor, code, **proposal):
    with session_factory() as session, transaction(session):
        return request_extension(session, actor, code, reason=REASON, **proposal).id


def test_request_then_approve_moves_the_due_time_and_queues_the_apology(demo, session_factory):
    dossier_id, code = received_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    thuly, lanhdao = demo.actor("thuly"), demo.actor("lanhdao")
    request_id = ask(session_factory, thuly, code, working_days=3)
    assert due_at(session_factory, dossier_id) == old_due  # asking alone changes nothing
    with session_factory() as session:
        ((pending, dossier),) = requests_for_leader(session, lanhdao)
        assert (pending.id, pending.state, dossier.code) == (request_id, PENDING, code)
        assert apologies(session) == 0
        (notice,) = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "notify/leader")
        ).all()
        assert [r["name"] for r in notice.payload["recipients"]] == ["Phạm Thị Dung"]
        assert REASON in notice.payload["body"] and code in notice.payload["subject"]

    with session_factory() as session, transaction(session):
        approve_request(session, lanhdao, request_id)

    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        calendar = calendar_from_session(session, dossier.agency_id)
        (extension,) = list_extensions(session, dossier_id)
        (request,) = dossier_requests(session, dossier_id)
        assert apologies(session) == 1
        assert requests_for_leader(session, lanhdao) == []
    expected = calendar.add_working_days(old_due.astimezone(VIETNAM_TZ).date(), 3)
    new_local = dossier.due_at.astimezone(VIETNAM_TZ)
    assert (new_local.date(), new_local.time()) == (expected, time(17, 0))
    assert calendar.working_days_between(old_due, dossier.due_at) == 3
    assert (extension.old_due_at, extension.new_due_at) == (old_due, dossier.due_at)
    assert (request.state, request.extension_id, request.decided_by_name) == (
        APPROVED,
        extension.id,
        "Phạm Thị Dung",
    )
    assert extension.reason == REASON


def test_a_new_date_becomes_that_working_days_closing_time(demo, session_factory):
    dossier_id, code = received_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    with session_factory() as session:
        calendar = calendar_from_session(session)
    day = calendar.add_working_days(old_due.astimezone(VIETNAM_TZ).date(), 2)
    request_id = ask(session_factory, demo.actor("thuly"), code, new_due_date=day)
    with session_factory() as session, transaction(session):
        approve_request(session, demo.actor("lanhdao"), request_id)
    local = due_at(session_factory, dossier_id).astimezone(VIETNAM_TZ)
    assert (local.date(), local.time()) == (day, time(17, 0))


def test_refusal_changes_nothing_but_the_request(demo, session_factory):
    dossier_id, code = received_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    request_id = ask(session_factory, demo.actor("thuly"), code, working_days=2)
    lanhdao = demo.actor("lanhdao")
    with (
        pytest.raises(InvalidInput) as missing,
        session_factory() as session,
        transaction(session),
    ):
        refuse_request(session, lanhdao, request_id, reason="  ")
    assert missing.value.field_errors == {"refusal_reason": "Vui lòng nêu lý do."}
    with session_factory() as session, transaction(session):
        refuse_request(session, lanhdao, request_id, reason="Hồ sơ đủ điều kiện giải quyết")
    with session_factory() as session:
        (request,) = dossier_requests(session, dossier_id)
        assert (request.state, request.refusal_reason) == (
            REFUSED,
            "Hồ sơ đủ điều kiện giải quyết",
        )
        assert list_extensions(session, dossier_id) == [] and apologies(session) == 0
    assert due_at(session_factory, dossier_id) == old_due
    with pytest.raises(Conflict), session_factory() as session, transaction(session):
        approve_request(session, lanhdao, request_id)
    assert due_at(session_factory, dossier_id) == old_due


def test_another_units_leader_cannot_see_or_decide(demo, session_factory):
    dossier_id, code = received_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    request_id = ask(session_factory, demo.actor("thuly"), code, working_days=2)
    other_ward_leader(session_factory)
    stranger = demo.actor("lanhdaocn")
    with session_factory() as session:
        assert requests_for_leader(session, stranger) == []
    for decide in (
        lambda s: approve_request(s, stranger, request_id),
        lambda s: refuse_request(s, stranger, request_id, reason="Không"),
    ):
        with pytest.raises(NotFound), session_factory() as session, transaction(session):
            decide(session)
    with session_factory() as session:
        assert dossier_requests(session, dossier_id)[0].state == PENDING
    assert due_at(session_factory, dossier_id) == old_due


@pytest.mark.parametrize(
    ("proposal", "field", "message"),
    [
        ({}, "working_days", "Nhập số ngày làm việc gia hạn hoặc chọn ngày hẹn trả mới."),
        ({"working_days": 0}, "working_days", "Số ngày gia hạn từ 1 đến 60 ngày làm việc."),
        (
            {"new_due_date": date(2000, 1, 3)},
            "new_due_date",
            "Ngày hẹn trả mới phải sau hạn giải quyết hiện tại.",
        ),
        ({"new_due_date": "sunday"}, "new_due_date", "Ngày hẹn trả mới phải là ngày làm việc."),
    ],
)
def test_a_bad_proposal_says_why_beside_its_field(demo, session_factory, proposal, field, message):
    dossier_id, code = received_dossier(demo, session_factory)
    if proposal.get("new_due_date") == "sunday":
        due = due_at(session_factory, dossier_id).astimezone(VIETNAM_TZ).date()
        proposal = {"new_due_date": due + timedelta(days=(6 - due.weekday()) or 7)}
    thuly = demo.actor("thuly")
    with (
        pytest.raises(InvalidInput) as refused,
        session_factory() as session,
        transaction(session),
    ):
        request_extension(session, thuly, code, reason="", **proposal)
    assert refused.value.field_errors[field] == message
    assert refused.value.field_errors["reason"] == "Vui lòng nêu lý do chậm trễ."
    with session_factory() as session:
        assert dossier_requests(session, dossier_id) == []


def test_only_the_handling_agencys_processing_officers_ask_once_at_a_time(demo, session_factory):
    _, code = received_dossier(demo, session_factory)
    with pytest.raises(Forbidden), session_factory() as session, transaction(session):
        request_extension(session, demo.actor("motcua"), code, reason=REASON, working_days=1)
    with pytest.raises(NotFound), session_factory() as session, transaction(session):
        request_extension(session, demo.actor("thulycn"), code, reason=REASON, working_days=1)
    ask(session_factory, demo.actor("thuly"), code, working_days=1)
    with pytest.raises(Conflict), session_factory() as session, transaction(session):
        request_extension(session, demo.actor("thuly2"), code, reason=REASON, working_days=1)


def test_a_dossier_not_yet_received_cannot_be_extended(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        code = session.get(Dossier, dossier_id).code
    with pytest.raises(Conflict), session_factory() as session, transaction(session):
        request_extension(session, demo.actor("thuly"), code, reason=REASON, working_days=1)


def test_the_dossiers_requests_are_its_officers_and_the_list_a_leaders(demo, session_factory):
    _dossier_id, code = received_dossier(demo, session_factory)
    officer, reception = demo.actor("thuly"), demo.actor("motcua")
    citizen, leader = demo.actor("congdan"), demo.actor("lanhdao")
    with session_factory() as session, transaction(session):
        asked = request_extension(session, officer, code, reason=REASON, working_days=2)
    with session_factory() as session:
        assert [r.id for r in extension_requests_of(session, reception, code)] == [asked.id]
        with pytest.raises(NotFound):
            extension_requests_of(session, citizen, code)
        leader_rows = requests_to_decide(session, leader)
        assert [request.id for request, _dossier in leader_rows] == [asked.id]
        with pytest.raises(Forbidden):
            requests_to_decide(session, officer)
