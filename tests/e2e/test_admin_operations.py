"""An administrator of the province runs the system in a real browser: a day off on the working
calendar, a wrong then right working-hours form, the audit log that records both."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", "motcua2026")
    page.click("button[type=submit]")


def test_calendar_hours_and_audit_log(demo, live_server, page, screenshot):
    sign_in(page, live_server, "quantritinh")
    page.goto(f"{live_server}/quan-tri/lich-lam-viec?nam=2099")
    page.fill("#day", "31/12/2099")
    page.select_option("#kind", "day_off")
    page.fill("#reason", "Nghỉ thêm cuối năm")
    page.click("button:has-text('Thêm điều chỉnh')")
    assert "Đã thêm ngày nghỉ thêm 31/12/2099." in page.inner_text("main")
    cell = page.locator('td[data-day="2099-12-31"]')
    assert cell.get_attribute("class") == "day-extra_day_off"
    assert cell.get_attribute("title") == "Nghỉ thêm cuối năm"
    screenshot(page, "admin-calendar")

    page.click("nav.admin-nav >> text=Giờ làm việc")
    page.fill("input[name=opens_1]", "11:00")
    page.click("button:has-text('Lưu giờ làm việc')")
    assert "Khung giờ 11:00–17:00 trùng với 07:30–11:30." in page.inner_text("main")
    page.fill("input[name=opens_1]", "13:00")
    page.click("button:has-text('Lưu giờ làm việc')")
    assert "Đang áp dụng: 07:30–11:30, 13:00–17:00" in page.inner_text("#current-hours")

    page.click("nav.admin-nav >> text=Nhật ký")
    entries = page.inner_text("#audit-entries")
    assert "calendar_override_added" in entries and "working_hours_changed" in entries
    screenshot(page, "admin-audit-log")
