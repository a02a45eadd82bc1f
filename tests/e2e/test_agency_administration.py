"""A province administrator links the province agency to its administrative-unit code, imports
its communes from the agencies page, reads the summary, and retires a commune, which then shows
greyed in the tree. Screenshots in test-artifacts/."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_import_a_province_then_retire_a_commune(live_server, page, demo, session_factory):
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.parent_id.is_(None)))
        admin = User(
            username="qt_tinh",
            full_name="Quản trị tỉnh",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        admin.roles = [RoleAssignment(role="admin", agency_id=province.id)]
        session.add(admin)
    page.goto(f"{live_server}/dang-nhap")
    page.fill("#username", "qt_tinh")
    page.fill("#password", "motcua2026")
    page.click("button[type=submit]")

    page.goto(f"{live_server}/quan-tri/co-quan/{province.id}/sua")
    page.fill("#admin_unit_code", "79")
    page.click("text=Lưu")
    page.wait_for_selector("text=Đã lưu đơn vị")
    page.fill("#province_code", "79")
    page.click("text=Nhập, cập nhật tỉnh này")
    page.wait_for_selector("#units-import-summary")
    assert "Thêm mới" in page.inner_text("#units-import-summary")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "units-import-summary.png"), full_page=True)

    page.click("text=Quay lại cây đơn vị")
    row = page.locator(".agency-row", has_text="UBND phường Sài Gòn")
    assert row.is_visible()  # the province is open, its communes listed
    row.locator("text=Ngừng hoạt động").click()
    page.wait_for_selector("text=đã ngừng hoạt động: không nhận hồ sơ mới")
    retired = page.locator(".agency-row.retired", has_text="UBND phường Sài Gòn")
    assert retired.count() == 1
    page.screenshot(path=str(ARTIFACTS / "agency-tree.png"), full_page=False)
