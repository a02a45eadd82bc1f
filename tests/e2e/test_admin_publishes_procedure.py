"""An administrator uploads a procedure package with errors, reads them by element id, uploads
the fixed package, previews and trial-runs the draft, publishes it; a citizen then finds the new
procedure in the catalogue and submits a dossier to it.

The packages are made from the shipped birth-registration package under a new procedure code,
so they follow the shipped one as it changes.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SHIPPED = Path(__file__).resolve().parents[2] / "processes" / "dang_ky_khai_sinh"
CODE = "9.900001"
NAME = "Đăng ký khai sinh lưu động"
APPLICATION = {
    "applicant_full_name": "Nguyễn Văn An",
    "applicant_id_number": "074090001234",
    "applicant_phone": "0912345678",
    "applicant_address": "Ấp 3, xã Tân Thành",
    "child_full_name": "Nguyễn Minh Khang",
    "child_date_of_birth": "22/11/2026",
    "child_place_of_birth": "Trạm y tế xã Tân Thành",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
}


def package_zip(path: Path, *, broken: bool) -> Path:
    """The shipped package as a new procedure; `broken` adds a lane naming no role and a
    condition the restricted evaluator refuses."""
    files = {p.relative_to(SHIPPED).as_posix(): p.read_bytes() for p in SHIPPED.rglob("*.*")}
    record = json.loads(files["procedure.json"])
    record.update(code=CODE, name=NAME)
    files["procedure.json"] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    if broken:
        bpmn = files["process.bpmn"].decode("utf-8")
        assert 'name="leader"' in bpmn and 'approval_decision == "approve"' in bpmn
        bpmn = bpmn.replace('name="leader"', 'name="giam_doc"', 1)
        bpmn = bpmn.replace('approval_decision == "approve"', '__import__("os").system("true")')
        files["process.bpmn"] = bpmn.encode("utf-8")
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"khai_sinh_luu_dong/{name}", content)
    return path


def test_admin_fixes_publishes_and_a_citizen_submits(
    demo, live_server, page, screenshot, sign_in, sign_out, tmp_path
):
    sign_in(page, "quantri")
    page.click("header a:has-text('Quản trị')")
    page.set_input_files("#package", str(package_zip(tmp_path / "loi.zip", broken=True)))
    page.click("button:has-text('Tải lên và kiểm tra')")
    problems = page.inner_text("#problems")
    assert "chưa được công bố" in problems
    lane = page.locator("#problems li", has_text="Lane_Leader")
    assert "giam_doc" in lane.inner_text()
    condition = page.locator("#problems li", has_text="Flow_Approved")
    assert "__import__" in condition.inner_text()
    screenshot(page, "admin-1-package-refused")
    page.goto(f"{live_server}/?q=khai+sinh+luu+dong")
    assert NAME not in page.inner_text("main"), "a refused package must change nothing"

    page.goto(f"{live_server}/quan-tri/")
    page.set_input_files("#package", str(package_zip(tmp_path / "da-sua.zip", broken=False)))
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.wait_for_selector("#publish-draft")
    assert page.inner_text("h1") == f"Bản nháp quy trình: {CODE} — {NAME}"
    assert page.locator("#preview svg.bpmn-diagram g[data-bpmn-id='Task_Approval']").count() == 1
    page.click("button:has-text('Chạy thử')")
    assert page.inner_text("#trial-outcome").startswith("Quy trình đi đến sự kiện kết thúc.")
    path = page.locator("#trial-path li").evaluate_all(
        "items => items.map(item => item.dataset.bpmnId)"
    )
    assert path[0] == "StartEvent_Submitted" and path[-1] == "EndEvent_Returned"
    assert "Task_Approval" in path
    approval = page.get_attribute("#preview g[data-bpmn-id='Task_Approval']", "class")
    assert "is-completed" in approval
    screenshot(page, "admin-2-draft-trial-run")

    page.click("#publish-draft")
    assert f"Đã công bố {CODE} — {NAME}, phiên bản 1." in page.inner_text(".flash.success")
    screenshot(page, "admin-3-published")
    sign_out(page)

    sign_in(page, "congdan")
    page.goto(live_server)
    page.fill("#q", "khai sinh luu dong")
    page.click("button:has-text('Tìm kiếm')")
    page.click(f"#catalogue a:has-text('{NAME}')")
    page.locator("a:has-text('Nộp hồ sơ trực tuyến')").first.click()
    for name, value in APPLICATION.items():
        page.fill(f"[name='{name}']", value)
    page.select_option("[name='applicant_relationship']", index=1)
    page.locator("[name='child_sex']").first.check()
    certificate = tmp_path / "giay-chung-sinh.pdf"
    certificate.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#doc_giay_chung_sinh", str(certificate))
    page.click("button:has-text('Nộp hồ sơ')")
    code = page.inner_text("#dossier-code")
    assert re.fullmatch(r"000\.00\.20\.H25-\d{6}-\d{4}", code)
    assert NAME in page.inner_text("main")
    screenshot(page, "admin-4-citizen-receipt")
