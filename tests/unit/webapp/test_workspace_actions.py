"""Officer action buttons over HTTP: each form posts one action; other agencies get 404."""

from __future__ import annotations

import re

from engine.dossiers.models import Dossier
from engine.tasks.models import OPEN, Task
from tests.factories import complete, open_task, submit
from tests.unit.webapp.test_http_lifecycle import signed_in

APPROVE = {"verification_note": "Hồ sơ đầy đủ.", "proposal": "propose_approve"}


def processing_dossier(demo, session_factory) -> tuple[int, str, int]:
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    return dossier_id, code, open_task(session_factory, dossier_id, "processing").id


def status(session_factory, dossier_id) -> str:
    with session_factory() as session:
        return session.get(Dossier, dossier_id).status


def test_forward_button_hands_the_task_to_the_chosen_colleague(app, demo, session_factory):
    _dossier_id, _, task_id = processing_dossier(demo, session_factory)
    officer = signed_in(app, "thuly")
    page = officer.client.get(f"/can-bo/cong-viec/{task_id}").get_data(as_text=True)
    assert "Chuyển cán bộ khác xử lý" in page and "Vũ Thị Giang" in page
    colleague_id = re.search(r'<option value="(\d+)">Vũ Thị Giang', page).group(1)

    response = officer.submit(
        f"/can-bo/cong-viec/{task_id}/chuyen-can-bo",
        {"to_user_id": colleague_id, "note": "Nhờ chị xử lý"},
        page=f"/can-bo/cong-viec/{task_id}",
    )

    assert response.status_code == 302
    with session_factory() as session:
        assert session.get(Task, task_id).assignee_id == int(colleague_id)
    history = signed_in(app, "thuly2").client.get(f"/can-bo/cong-viec/{task_id}")
    assert "Chuyển cho Vũ Thị Giang: Nhờ chị xử lý" in history.get_data(as_text=True)


def test_leader_returns_to_previous_step_and_officer_undoes(app, demo, session_factory):
    dossier_id, code, task_id = processing_dossier(demo, session_factory)
    complete(session_factory, demo.actor("thuly"), task_id, APPROVE)

    officer = signed_in(app, "thuly")
    page = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Hoàn tác" in page
    response = officer.submit(f"/can-bo/ho-so/{code}/hoan-tac", {}, page=f"/can-bo/ho-so/{code}")
    assert response.status_code == 302
    assert status(session_factory, dossier_id) == "processing"

    complete(
        session_factory, demo.actor("thuly"), open_task(session_factory, dossier_id).id, APPROVE
    )
    leader_task = open_task(session_factory, dossier_id, "leader").id
    leader = signed_in(app, "lanhdao")
    response = leader.submit(
        f"/can-bo/cong-viec/{leader_task}/tra-lai",
        {"reason": "Bổ sung quê quán."},
        page=f"/can-bo/cong-viec/{leader_task}",
    )
    assert response.status_code == 302
    assert status(session_factory, dossier_id) == "processing"


def test_refusal_comes_back_as_a_message_on_the_page(app, demo, session_factory):
    dossier_id, _, task_id = processing_dossier(demo, session_factory)
    officer = signed_in(app, "thuly")
    response = officer.submit(
        f"/can-bo/cong-viec/{task_id}/tra-lai",
        {"reason": ""},
        page=f"/can-bo/cong-viec/{task_id}",
        follow_redirects=True,
    )
    assert "Vui lòng nêu lý do trả lại." in response.get_data(as_text=True)
    assert status(session_factory, dossier_id) == "processing"


def test_counter_withdrawal_and_admin_move(app, demo, session_factory):
    dossier_id, code, _task_id = processing_dossier(demo, session_factory)
    admin = signed_in(app, "quantri")
    page = admin.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Chuyển hồ sơ về bước" in page and 'value="Task_Reception"' in page
    response = admin.submit(
        f"/can-bo/ho-so/{code}/chuyen-buoc",
        {"bpmn_id": "Task_Reception", "reason": "Tiếp nhận nhầm."},
        page=f"/can-bo/ho-so/{code}",
    )
    assert response.status_code == 302
    assert status(session_factory, dossier_id) == "submitted"

    counter = signed_in(app, "motcua")
    response = counter.submit(
        f"/can-bo/ho-so/{code}/rut-ho-so",
        {"reason": "Công dân đến quầy xin rút."},
        page=f"/can-bo/ho-so/{code}",
    )
    assert response.status_code == 302
    assert status(session_factory, dossier_id) == "withdrawn"
    with session_factory() as session:
        assert session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).count() == 0


def test_officer_of_another_agency_gets_404_on_every_action(app, demo, session_factory):
    dossier_id, code, task_id = processing_dossier(demo, session_factory)
    stranger = signed_in(app, "thulycn")
    token = stranger.token("/can-bo/")
    for path, data in [
        (f"/can-bo/cong-viec/{task_id}/chuyen-can-bo", {"to_user_id": "1"}),
        (f"/can-bo/cong-viec/{task_id}/tra-lai", {"reason": "x"}),
        (f"/can-bo/ho-so/{code}/hoan-tac", {}),
        (f"/can-bo/ho-so/{code}/rut-ho-so", {"reason": "x"}),
        (f"/can-bo/ho-so/{code}/chuyen-buoc", {"bpmn_id": "Task_Reception", "reason": "x"}),
    ]:
        response = stranger.client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 404, path
    assert status(session_factory, dossier_id) == "processing"


def test_applicant_withdraws_from_the_portal(app, demo, session_factory):
    dossier_id, code, _task_id = processing_dossier(demo, session_factory)
    citizen = signed_in(app, "congdan")
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Rút hồ sơ" in page

    response = citizen.submit(
        f"/ho-so/{code}/rut-ho-so",
        {"reason": "Đăng ký ở nơi khác."},
        page=f"/ho-so/{code}",
        follow_redirects=True,
    )

    assert "Công dân rút hồ sơ" in response.get_data(as_text=True)
    assert status(session_factory, dossier_id) == "withdrawn"
    again = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Lý do rút hồ sơ" not in again
