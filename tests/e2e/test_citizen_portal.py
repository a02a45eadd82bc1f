"""The citizen portal in a real browser: search, fill with an attachment, save a draft, resume,
submit, the receipt, lookup by code, and rating a returned dossier; plus a phone-sized view.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import KHAI_SINH, submit
from tests.unit.webapp.portal.conftest import PDF, carry_to_returned, dossier_id_of

pytestmark = pytest.mark.e2e

APPLICATION = {
    "applicant_full_name": "Nguyễn Văn An",
    "applicant_id_number": "074090001234",
    "applicant_phone": "0912345678",
    "applicant_address": "Số 5 đường Yersin, phường Phú Cường",
    "child_date_of_birth": "20/11/2026",
    "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bình Dương",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
}


def test_citizen_portal_journey(
    demo, live_server, page, screenshot, session_factory, tmp_path, sign_in
):
    sign_in(page, "congdan")
    page.goto(live_server)
    page.fill("#q", "dang ky khai sinh")
    page.click("button:has-text('Tìm kiếm')")
    assert page.inner_text("#result-count") == "Tìm thấy 1 thủ tục."
    screenshot(page, "portal-1-catalogue-search")
    page.click("#catalogue a:has-text('Đăng ký khai sinh')")
    assert "Căn cứ pháp lý" in page.content()
    screenshot(page, "portal-2-procedure")
    page.locator("a:has-text('Nộp hồ sơ trực tuyến')").first.click()

    page.fill("[name='child_full_name']", "Nguyễn Thị Ánh Dương")
    birth_certificate = tmp_path / "giay-chung-sinh.pdf"
    birth_certificate.write_bytes(PDF)
    page.set_input_files("#doc_giay_chung_sinh", str(birth_certificate))
    page.click("button:has-text('Lưu nháp')")
    page.wait_for_selector(".flash.success")
    assert "Đã đính kèm" in page.inner_text(".documents")

    page.goto(f"{live_server}/ho-so-cua-toi")
    screenshot(page, "portal-3-draft-listed")
    page.click("#drafts a:has-text('Đăng ký khai sinh')")
    assert page.input_value("[name='child_full_name']") == "Nguyễn Thị Ánh Dương"
    for name, value in APPLICATION.items():
        page.fill(f"[name='{name}']", value)
    page.select_option("[name='applicant_relationship']", index=1)
    page.locator("[name='child_sex']").first.check()
    screenshot(page, "portal-4-form-resumed")
    page.click("button:has-text('Nộp hồ sơ')")

    code = page.inner_text("#dossier-code")
    assert re.fullmatch(r"000\.00\.20\.H25-\d{6}-\d{4}", code)
    assert "dự kiến" in page.inner_text("#appointment")
    assert page.locator(".receipt__qr svg").count() == 1
    screenshot(page, "portal-5-receipt")

    page.goto(f"{live_server}/tra-cuu")
    page.fill("#ma", code)
    page.click("button:has-text('Tra cứu')")
    assert page.inner_text("#lookup-result .status") == "Mới đăng ký"
    screenshot(page, "portal-6-lookup")

    carry_to_returned(demo, session_factory, dossier_id_of(session_factory, code))
    page.goto(f"{live_server}/ho-so/{code}")
    page.get_by_label("Rất hài lòng", exact=True).check()
    page.fill("#comment", "Cán bộ hướng dẫn tận tình.")
    page.click("button:has-text('Gửi đánh giá')")
    assert "Rất hài lòng" in page.inner_text("#rating-given")
    screenshot(page, "portal-7-rated")


def test_portal_on_a_phone(demo, live_server, chromium, screenshot, session_factory, sign_in):
    context = chromium.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        sign_in(page, "congdan")
        page.goto(f"{live_server}/?q=khai+sinh")
        screenshot(page, "portal-phone-catalogue")
        page.goto(f"{live_server}/thu-tuc/{KHAI_SINH}/nop-ho-so")
        screenshot(page, "portal-phone-form")
        _, code = submit(session_factory, demo.actor("congdan"))
        for path, name in [
            (f"/thu-tuc/{KHAI_SINH}/nop-ho-so", "form"),
            (f"/ho-so/{code}/bien-nhan", "receipt"),
            (f"/ho-so/{code}", "dossier"),
        ]:
            page.goto(f"{live_server}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the {name} page scrolls sideways on a phone ({width}px)"
        screenshot(page, "portal-phone-dossier")
        page.goto(f"{live_server}/ho-so/{code}/bien-nhan")
        screenshot(page, "portal-phone-receipt")
    finally:
        context.close()
