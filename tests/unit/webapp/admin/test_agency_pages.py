"""The agency tree pages as an administrator uses them."""

from __future__ import annotations

from sqlalchemy import select
from vietnam_provinces import Ward

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.users.admin_audit import AdminAuditEntry
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password


def agency(session_factory, code: str) -> Agency:
    with session_factory() as session:
        return session.scalar(select(Agency).where(Agency.code == code))


def make_province_admin(session_factory) -> None:
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.parent_id.is_(None)))
        user = User(
            username="qt_tinh",
            full_name="Quản trị tỉnh",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        user.roles = [RoleAssignment(role="admin", agency_id=province.id)]
        session.add(user)


def test_tree_shows_units_with_officer_counts(browser, demo, session_factory):
    make_province_admin(session_factory)
    browser.login("qt_tinh")
    page = browser.client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert "UBND tỉnh Bình Dương" in page
    assert "UBND phường Phú Cường" in page and "UBND phường Chánh Nghĩa" in page
    # motcua, thuly, lanhdao, quantri, thuly2 hold roles in the ward
    ward = agency(session_factory, WARD_CODE)
    row = page.split(f'id="agency-{ward.id}"')[1].split("</div>")[0]
    assert "5 cán bộ" in row
    assert 'href="/quan-tri/can-bo"' in page  # the admin navigation


def test_ward_admin_sees_only_their_ward_and_cannot_touch_the_other(browser, demo, session_factory):
    browser.login("quantri")
    page = browser.client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert "UBND phường Phú Cường" in page
    assert "UBND phường Chánh Nghĩa" not in page
    partner = agency(session_factory, PARTNER_WARD_CODE)
    assert browser.client.get(f"/quan-tri/co-quan/{partner.id}/sua").status_code == 404
    response = browser.submit(f"/quan-tri/co-quan/{partner.id}/ngung", {}, page="/quan-tri/co-quan")
    assert response.status_code == 404
    assert agency(session_factory, PARTNER_WARD_CODE).is_active is True
    response = browser.submit(
        "/quan-tri/co-quan/moi",
        {
            "code": "000.00.25.H25.01",
            "name": "Tổ một cửa",
            "level": "department",
            "parent_id": str(partner.id),
        },
    )
    assert response.status_code == 403
    assert agency(session_factory, "000.00.25.H25.01") is None


def test_create_edit_and_retire_a_unit(browser, demo, session_factory):
    browser.login("quantri")
    ward = agency(session_factory, WARD_CODE)
    form = {"code": "x", "name": "", "level": "department", "parent_id": str(ward.id)}
    response = browser.submit("/quan-tri/co-quan/moi", form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Mã đơn vị gồm 2–40 ký tự" in text and "Vui lòng nhập tên đơn vị." in text
    form.update(code="000.00.20.H25.TP", name="Bộ phận Tư pháp - Hộ tịch")
    assert browser.submit("/quan-tri/co-quan/moi", form).status_code == 302
    unit = agency(session_factory, "000.00.20.H25.TP")
    assert unit.parent_id == ward.id

    form.update(name="Bộ phận Tư pháp – Hộ tịch phường")
    response = browser.submit(
        f"/quan-tri/co-quan/{unit.id}/sua", form, page=f"/quan-tri/co-quan/{unit.id}/sua"
    )
    assert response.status_code == 302
    assert agency(session_factory, "000.00.20.H25.TP").name == "Bộ phận Tư pháp – Hộ tịch phường"

    response = browser.submit(
        f"/quan-tri/co-quan/{ward.id}/ngung", {}, page="/quan-tri/co-quan", follow_redirects=True
    )
    assert "còn đơn vị trực thuộc đang hoạt động" in response.get_data(as_text=True)
    browser.submit(f"/quan-tri/co-quan/{unit.id}/ngung", {}, page="/quan-tri/co-quan")
    assert agency(session_factory, "000.00.20.H25.TP").is_active is False
    page = browser.client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert f'class="agency-row retired" id="agency-{unit.id}"' in page
    with session_factory() as session:
        actions = set(session.scalars(select(AdminAuditEntry.action)))
    assert {"agency_created", "agency_updated", "agency_retired"} <= actions


def test_link_the_province_then_import_its_communes(browser, demo, session_factory):
    make_province_admin(session_factory)
    browser.login("qt_tinh")
    province = agency(session_factory, "000.00.00.H25")
    import_form = {"province_code": "79"}
    response = browser.submit(
        "/quan-tri/co-quan/nhap-don-vi-hanh-chinh",
        import_form,
        page="/quan-tri/co-quan",
        follow_redirects=True,
    )
    assert "chưa gắn với đơn vị nào bạn quản trị" in response.get_data(as_text=True)

    # Bình Dương joined Hồ Chí Minh City on 1 July 2025: link the province agency to code 79
    edit = f"/quan-tri/co-quan/{province.id}/sua"
    form = {"code": province.code, "name": province.name, "level": "province", "parent_id": ""}
    response = browser.submit(edit, {**form, "admin_unit_code": "7"})
    assert "Mã đơn vị hành chính gồm 2 chữ số" in response.get_data(as_text=True)
    assert browser.submit(edit, {**form, "admin_unit_code": "79"}).status_code == 302

    response = browser.submit(
        "/quan-tri/co-quan/nhap-don-vi-hanh-chinh", import_form, page="/quan-tri/co-quan"
    )
    assert response.status_code == 200
    communes = sum(1 for ward in Ward.iter_all() if int(ward.province_code) == 79)
    text = response.get_data(as_text=True)
    assert f"<tr><th>Thêm mới</th><td>{communes}</td></tr>" in text
    assert "<tr><th>Cập nhật</th><td>1</td></tr>" in text  # the province's name
    province = agency(session_factory, "000.00.00.H25")  # its own code kept
    assert province.name == "UBND thành phố Hồ Chí Minh"
    tree = browser.client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert "UBND phường Sài Gòn" in tree and "UBND phường Phú Cường" in tree


def test_ward_admin_cannot_import_the_province(browser, demo, session_factory):
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.parent_id.is_(None)))
        province.admin_unit_code = "79"
    browser.login("quantri")
    response = browser.submit(
        "/quan-tri/co-quan/nhap-don-vi-hanh-chinh",
        {"province_code": "79"},
        page="/quan-tri/co-quan",
        follow_redirects=True,
    )
    assert "Bạn không có quyền quản trị đơn vị này." in response.get_data(as_text=True)
    with session_factory() as session:
        assert session.scalar(select(Agency).where(Agency.admin_unit_code.like("2%"))) is None
