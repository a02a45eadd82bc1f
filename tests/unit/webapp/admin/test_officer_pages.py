"""Officer pages: list, create, edit, roles, deactivate and reactivate, within the admin's scope."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.tasks.models import Task
from engine.users.admin_audit import AdminAuditEntry
from engine.users.models import RoleAssignment, User
from engine.users.passwords import verify_password
from tests.factories import open_task, submit


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def user(session_factory, username: str) -> User | None:
    with session_factory() as session:
        return session.scalar(
            select(User).where(User.username == username).options(selectinload(User.roles))
        )


def test_list_filters_and_scope(browser, demo):
    browser.login("quantri")
    page = browser.client.get("/quan-tri/can-bo").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Lê Văn Cường" in page
    assert "Đỗ Văn Hải" not in page  # the partner ward's officer
    assert "Nguyễn Văn An" not in page  # a citizen
    page = browser.client.get("/quan-tri/can-bo?role=reception").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Lê Văn Cường" not in page
    page = browser.client.get("/quan-tri/can-bo?active=0").get_data(as_text=True)
    assert "Không có cán bộ nào phù hợp." in page


def test_another_wards_officer_is_hidden(browser, demo, session_factory):
    browser.login("quantri")
    stranger = user(session_factory, "thulycn")
    assert browser.client.get(f"/quan-tri/can-bo/{stranger.id}").status_code == 404
    response = browser.submit(f"/quan-tri/can-bo/{stranger.id}/khoa", {}, page="/quan-tri/can-bo")
    assert response.status_code == 404
    assert user(session_factory, "thulycn").is_active is True
    # nor may a role in the other ward be handed out
    own = user(session_factory, "thuly")
    response = browser.submit(
        f"/quan-tri/can-bo/{own.id}/vai-tro",
        {"role": "processing", "agency_id": agency_id(session_factory, PARTNER_WARD_CODE)},
        page=f"/quan-tri/can-bo/{own.id}",
    )
    assert response.status_code == 403


def test_create_an_officer_then_edit_and_give_a_role(browser, demo, session_factory):
    browser.login("quantri")
    ward = agency_id(session_factory, WARD_CODE)
    form = {
        "username": "thuly3",
        "full_name": "Ngô Thị Lan",
        "email": "lan.ngo@phucuong.example.vn",
        "phone": "0987654321",
        "password": "ngan",
        "role": "processing",
        "agency_id": str(ward),
    }
    response = browser.submit("/quan-tri/can-bo/moi", form)
    assert response.status_code == 400
    assert "Mật khẩu phải có ít nhất 10 ký tự." in response.get_data(as_text=True)
    assert user(session_factory, "thuly3") is None

    form["password"] = "batdau2026"
    response = browser.submit("/quan-tri/can-bo/moi", form)
    assert response.status_code == 302
    created = user(session_factory, "thuly3")
    assert created.kind == "officer" and created.password_hash.startswith("$argon2id$")
    assert verify_password(created.password_hash, "batdau2026")
    assert [(r.role, r.agency_id) for r in created.roles] == [("processing", ward)]

    page = f"/quan-tri/can-bo/{created.id}"
    response = browser.submit(
        page, {"full_name": "Ngô Thị Lan Anh", "email": "khong-phai-thu", "phone": ""}
    )
    assert response.status_code == 400
    response = browser.submit(page, {"full_name": "Ngô Thị Lan Anh", "email": "", "phone": ""})
    assert response.status_code == 302
    assert user(session_factory, "thuly3").full_name == "Ngô Thị Lan Anh"
    browser.submit(f"{page}/vai-tro", {"role": "reception", "agency_id": str(ward)}, page=page)
    roles = {r.role for r in user(session_factory, "thuly3").roles}
    assert roles == {"processing", "reception"}

    with session_factory() as session:
        processing = session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == created.id, RoleAssignment.role == "processing"
            )
        )
        reception = session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == created.id, RoleAssignment.role == "reception"
            )
        )
    browser.submit(f"{page}/vai-tro/{processing}/bo", {}, page=page)
    response = browser.submit(
        f"{page}/vai-tro/{reception}/bo", {}, page=page, follow_redirects=True
    )
    assert "Cán bộ phải có ít nhất một vai trò" in response.get_data(as_text=True)
    assert {r.role for r in user(session_factory, "thuly3").roles} == {"reception"}

    with session_factory() as session:
        actions = [
            entry.action
            for entry in session.scalars(
                select(AdminAuditEntry).where(AdminAuditEntry.target == "user:thuly3")
            )
        ]
    assert actions == ["officer_created", "officer_updated", "role_granted", "role_revoked"]


def test_deactivate_hands_tasks_back_and_reactivate(browser, demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = user(session_factory, "motcua")
    task = open_task(session_factory, dossier_id)
    with session_factory() as session, transaction(session):
        session.get(Task, task.id).assignee_id = reception.id
    browser.login("quantri")
    page = f"/quan-tri/can-bo/{reception.id}"
    response = browser.submit(
        f"{page}/khoa", {"reason": "Chuyển công tác"}, page=page, follow_redirects=True
    )
    assert "1 công việc đang xử lý được trả về hàng chờ của đơn vị" in response.get_data(
        as_text=True
    )
    with session_factory() as session:
        assert session.get(Task, task.id).assignee_id is None
    assert user(session_factory, "motcua").is_active is False

    browser.submit(f"{page}/mo-khoa", {}, page=page)
    assert user(session_factory, "motcua").is_active is True
