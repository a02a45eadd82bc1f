"""Counter reception to returned result in a real browser, with the dossier page's diagram
following the dossier. Screenshots: the inbox and the dossier page, in test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.factories import KHAI_SINH

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {
    "applicant_full_name": "Đặng Thị Hồng Nhung",
    "applicant_id_number": "074190004321",
    "applicant_phone": "0987654321",
    "applicant_address": "Số 12 đường Bạch Đằng, phường Phú Cường",
    "child_full_name": "Trịnh Minh Khôi",
    "child_date_of_birth": "15/11/2026",
    "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bình Dương",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
}


def diagram_state(page, bpmn_id: str) -> str:
    css = page.get_attribute(f"svg.bpmn-diagram g[data-bpmn-id='{bpmn_id}']", "class")
    return next(part[3:] for part in css.split() if part.startswith("is-"))


def complete_from_dossier_page(
    page, base, username, code, choose, fill, *, sign_in, sign_out
) -> None:
    """Open the dossier, follow its open task, fill the task form and complete it."""
    sign_in(page, username)
    page.goto(f"{base}/can-bo/ho-so/{code}")
    page.locator("#current-tasks a[href^='/can-bo/cong-viec/']").first.click()
    for label in choose:
        page.get_by_label(label, exact=True).check()
    for name, value in fill.items():
        page.fill(f"[name='{name}']", value)
    page.click("button:has-text('Hoàn thành')")
    page.wait_for_selector(".flash.success")
    sign_out(page)


def test_counter_reception_to_returned_result(
    demo, app, live_server, page, screenshot, tmp_path, sign_in, sign_out
):
    accounts = {"sign_in": sign_in, "sign_out": sign_out}
    app.config["MOTCUA_FILES_DIR"] = str(tmp_path / "files")
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF)

    sign_in(page, "motcua")
    page.click("text=Tiếp nhận tại quầy")
    page.click("text=Đăng ký khai sinh")
    assert page.url.endswith(f"/can-bo/tiep-nhan/{KHAI_SINH}")
    for name, value in APPLICANT.items():
        page.fill(f"[name='{name}']", value)
    page.select_option("[name='applicant_relationship']", index=2)
    page.locator("[name='child_sex']").last.check()
    for code in ("to_khai", "giay_chung_sinh", "giay_to_tuy_than"):
        page.check(f"#component-{code}-received")
    page.check("#component-giay_to_tuy_than-kind-copy")
    page.set_input_files("[name='component-giay_chung_sinh-scan']", str(scan))
    page.check("#decision-accept")
    screenshot(page, "counter-reception-form")
    page.click("button:has-text('Lưu hồ sơ')")

    page.wait_for_selector(".flash.success")
    code = page.inner_text("#dossier-code")
    assert re.fullmatch(r"000\.00\.20\.H25-\d{6}-\d{4}", code)
    assert page.inner_text("#applicant-name") == "Đặng Thị Hồng Nhung"
    assert diagram_state(page, "Task_Reception") == "completed"
    assert diagram_state(page, "Task_Processing") == "current"
    assert "giay-chung-sinh.pdf" in page.inner_text("#components")
    sign_out(page)

    sign_in(page, "thuly")
    page.goto(f"{live_server}/can-bo/")
    page.wait_for_selector(f"text={code}")
    screenshot(page, "counter-inbox-processing")
    sign_out(page)

    complete_from_dossier_page(
        page,
        live_server,
        "thuly",
        code,
        ["Đề nghị cấp Giấy khai sinh"],
        {"verification_note": "Giấy chứng sinh khớp với tờ khai."},
        **accounts,
    )

    sign_in(page, "lanhdao")
    page.goto(f"{live_server}/can-bo/ho-so/{code}")
    assert diagram_state(page, "Task_Processing") == "completed"
    assert diagram_state(page, "Task_Approval") == "current"
    screenshot(page, "counter-dossier-awaiting-approval")
    sign_out(page)

    complete_from_dossier_page(page, live_server, "lanhdao", code, ["Phê duyệt"], {}, **accounts)
    complete_from_dossier_page(
        page,
        live_server,
        "motcua",
        code,
        ["Tại Bộ phận một cửa"],
        {"returned_to": "Đặng Thị Hồng Nhung"},
        **accounts,
    )

    sign_in(page, "motcua")
    page.goto(f"{live_server}/can-bo/ho-so/{code}")
    assert "Đã trả kết quả" in page.inner_text("h1")
    assert diagram_state(page, "EndEvent_Returned") == "completed"
    assert diagram_state(page, "Task_ReturnResult") == "completed"
    assert diagram_state(page, "EndEvent_Refused") == "pending"
    history = page.inner_text("#history")
    for step in ("Tiếp nhận hồ sơ", "Thụ lý hồ sơ", "Phê duyệt kết quả", "Trả kết quả"):
        assert step in history
    screenshot(page, "counter-dossier-returned")
