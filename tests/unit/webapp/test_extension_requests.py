"""Extensions over HTTP: the officer asks on the dossier page, the unit leader decides."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from engine.calendar.working_days import VIETNAM_TZ, calendar_from_session
from engine.deadlines.models import DeadlineExtensionRequest
from engine.dossiers.models import Dossier
from engine.outbox.models import OutboxMessage
from tests.unit.engine.deadlines.test_extension_requests import other_ward_leader
from tests.unit.webapp.test_http_lifecycle import signed_in
from tests.unit.webapp.test_workspace_actions import processing_dossier

REASON = "Chờ kết quả xác minh của Công an phường"


def due_at(session_factory, dossier_id):
    with session_factory() as session:
        return session.get(Dossier, dossier_id).due_at


def requests(session_factory) -> list[DeadlineExtensionRequest]:
    with session_factory() as session:
        return list(session.scalars(select(DeadlineExtensionRequest)))


def apologies(session_factory) -> list[OutboxMessage]:
    with session_factory() as session:
        return [
            row
            for row in session.scalars(select(OutboxMessage))
            if row.payload.get("template") == "apology_extension"
        ]


def ask(officer, code, data):
    page = f"/can-bo/ho-so/{code}"
    return officer.submit(f"{page}/de-nghi-gia-han", data, page=page)


def test_officer_asks_and_leader_approves(app, demo, session_factory):
    dossier_id, code, _ = processing_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    officer = signed_in(app, "thuly")
    page = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Đề nghị gia hạn" in page and "csrf_token" in page

    wrong = ask(officer, code, {"reason": "", "working_days": "", "new_due_date": ""})
    assert wrong.status_code == 400
    text = html.unescape(wrong.get_data(as_text=True))
    assert "Vui lòng nêu lý do chậm trễ." in text
    assert "Nhập số ngày làm việc gia hạn hoặc chọn ngày hẹn trả mới." in text
    assert 'aria-invalid="true"' in text and requests(session_factory) == []

    asked = ask(officer, code, {"reason": REASON, "working_days": "2", "new_due_date": ""})
    assert asked.status_code == 302
    page = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Chờ lãnh đạo xem xét" in page and REASON in page
    assert "Gửi đề nghị gia hạn" not in page  # one pending request at a time
    assert due_at(session_factory, dossier_id) == old_due

    leader = signed_in(app, "lanhdao")
    assert "Đề nghị gia hạn →" in leader.client.get("/can-bo/").get_data(as_text=True)
    listing = leader.client.get("/can-bo/gia-han").get_data(as_text=True)
    assert code in listing and REASON in listing
    (request,) = requests(session_factory)
    approved = leader.submit(f"/can-bo/gia-han/{request.id}/dong-y", {}, page="/can-bo/gia-han")
    assert approved.status_code == 302

    assert due_at(session_factory, dossier_id) > old_due
    (apology,) = apologies(session_factory)
    assert apology.payload["dossier_code"] == code and REASON in apology.payload["message"]
    assert requests(session_factory)[0].state == "approved"
    page = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Đã đồng ý" in page and "Gia hạn giải quyết" in page
    assert re.search(
        r'<span id="pending-count">0</span>',
        leader.client.get("/can-bo/gia-han").get_data(as_text=True),
    )


def test_refusal_needs_a_reason_and_changes_nothing(app, demo, session_factory):
    dossier_id, code, _ = processing_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    with session_factory() as session:
        calendar = calendar_from_session(session)
    day = calendar.add_working_days(old_due.astimezone(VIETNAM_TZ).date(), 3)
    officer = signed_in(app, "thuly")
    ask(officer, code, {"reason": REASON, "working_days": "", "new_due_date": day.isoformat()})
    (request,) = requests(session_factory)
    leader = signed_in(app, "lanhdao")
    path = f"/can-bo/gia-han/{request.id}/khong-dong-y"

    empty = leader.submit(path, {"refusal_reason": " "}, page="/can-bo/gia-han")
    assert empty.status_code == 400
    assert "Vui lòng nêu lý do." in empty.get_data(as_text=True)
    assert requests(session_factory)[0].state == "pending"

    refused = leader.submit(
        path, {"refusal_reason": "Đủ thời gian giải quyết"}, page="/can-bo/gia-han"
    )
    assert refused.status_code == 302
    assert requests(session_factory)[0].state == "refused"
    assert due_at(session_factory, dossier_id) == old_due and apologies(session_factory) == []
    page = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Không đồng ý" in page and "Đủ thời gian giải quyết" in page


def test_another_units_leader_gets_404_and_officers_no_page(app, demo, session_factory):
    dossier_id, code, _ = processing_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    ask(signed_in(app, "thuly"), code, {"reason": REASON, "working_days": "1", "new_due_date": ""})
    (request,) = requests(session_factory)
    other_ward_leader(session_factory)
    stranger = signed_in(app, "lanhdaocn")
    assert code not in stranger.client.get("/can-bo/gia-han").get_data(as_text=True)
    for action in ("dong-y", "khong-dong-y"):
        answer = stranger.submit(
            f"/can-bo/gia-han/{request.id}/{action}",
            {"refusal_reason": "Không"},
            page="/can-bo/gia-han",
        )
        assert answer.status_code == 404
    assert requests(session_factory)[0].state == "pending"
    assert due_at(session_factory, dossier_id) == old_due
    assert signed_in(app, "thuly").client.get("/can-bo/gia-han").status_code == 403
