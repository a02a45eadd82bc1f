"""The thin slice in a real browser: a citizen submits, officers carry it to the result."""

from __future__ import annotations

import re

import pytest

from tests.factories import KHAI_SINH

pytestmark = pytest.mark.e2e


def officer_completes(
    page, base: str, username: str, choose: list[str], fill: dict, *, sign_in, sign_out
) -> None:
    sign_in(page, username)
    page.goto(f"{base}/can-bo/")
    page.locator("table.inbox a[href^='/can-bo/cong-viec/']").first.click()
    for label in choose:
        page.get_by_label(label, exact=True).check()
    for name, value in fill.items():
        page.fill(f"[name='{name}']", value)
    page.click("button:has-text('Hoàn thành')")
    page.wait_for_selector(".flash.success")
    sign_out(page)


def test_citizen_submits_and_officers_return_the_result(
    demo, live_server, page, screenshot, tmp_path, sign_in, sign_out
):
    sign_in(page, "congdan")
    page.goto(f"{live_server}/thu-tuc/{KHAI_SINH}")
    page.click("text=Nộp hồ sơ trực tuyến")
    values = {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_id_number": "074090001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 đường Yersin, phường Phú Cường",
        "child_full_name": "Nguyễn Thị Ánh Dương",
        "child_date_of_birth": "20/11/2026",
        "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bình Dương",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
    }
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)
    page.select_option("[name='applicant_relationship']", index=1)
    page.locator("[name='child_sex']").first.check()
    birth_certificate = tmp_path / "giay-chung-sinh.pdf"
    birth_certificate.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#doc_giay_chung_sinh", str(birth_certificate))
    screenshot(page, "thin-slice-form")
    page.click("button:has-text('Nộp hồ sơ')")
    code = page.inner_text("#dossier-code")
    assert re.fullmatch(r"000\.00\.20\.H25-\d{6}-\d{4}", code)
    screenshot(page, "thin-slice-receipt")
    sign_out(page)

    accounts = {"sign_in": sign_in, "sign_out": sign_out}
    officer_completes(page, live_server, "motcua", ["Tiếp nhận"], {}, **accounts)
    officer_completes(
        page,
        live_server,
        "thuly",
        ["Đề nghị cấp Giấy khai sinh"],
        {"verification_note": "Hồ sơ hợp lệ."},
        **accounts,
    )
    officer_completes(page, live_server, "lanhdao", ["Phê duyệt"], {}, **accounts)
    officer_completes(
        page,
        live_server,
        "motcua",
        ["Tại Bộ phận một cửa"],
        {"returned_to": "Nguyễn Văn An"},
        **accounts,
    )

    page.goto(f"{live_server}/tra-cuu?ma={code}")
    assert page.inner_text("#lookup-result .status") == "Đã trả kết quả"
    screenshot(page, "thin-slice-lookup")
