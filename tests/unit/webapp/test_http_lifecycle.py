"""The whole lifecycle as people click through it: citizen, one-stop, processing, leader."""

from __future__ import annotations

import re
from io import BytesIO

from tests.conftest import Browser
from tests.factories import KHAI_SINH, birth_application

CODE = re.compile(r"000\.00\.20\.H25-\d{6}-\d{4}")
TASK_LINK = re.compile(r'href="/can-bo/cong-viec/(\d+)"')


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    response = browser.login(username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def first_task_id(browser: Browser, code: str) -> str:
    page = browser.client.get("/can-bo/").get_data(as_text=True)
    assert code in page
    return TASK_LINK.search(page).group(1)


def officer_completes(app, username: str, code: str, data: dict) -> None:
    officer = signed_in(app, username)
    task_id = first_task_id(officer, code)
    path = f"/can-bo/cong-viec/{task_id}"
    form_page = officer.client.get(path).get_data(as_text=True)
    version = re.search(r'name="task_version" value="(\d+)"', form_page).group(1)
    response = officer.submit(path, {**data, "task_version": version})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_citizen_to_returned_result_over_http(app, demo):
    citizen = signed_in(app, "congdan")
    form_page = citizen.client.get(f"/thu-tuc/{KHAI_SINH}/nop-ho-so").get_data(as_text=True)
    assert "Họ và tên" in form_page or "họ, chữ đệm" in form_page.lower()

    birth_certificate = (BytesIO(b"%PDF-1.4 giay chung sinh"), "giay-chung-sinh.pdf")
    response = citizen.submit(
        f"/thu-tuc/{KHAI_SINH}/nop-ho-so",
        {**birth_application(), "doc_giay_chung_sinh": birth_certificate},
    )
    assert response.status_code == 302
    receipt = citizen.client.get(response.headers["Location"]).get_data(as_text=True)
    code = CODE.search(receipt).group(0)
    assert "Mới đăng ký" in receipt

    officer_completes(app, "motcua", code, {"decision": "accept"})
    officer_completes(
        app,
        "thuly",
        code,
        {"verification_note": "Hồ sơ hợp lệ.", "proposal": "propose_approve"},
    )
    officer_completes(app, "lanhdao", code, {"approval_decision": "approve"})
    officer_completes(
        app, "motcua", code, {"return_channel": "counter", "returned_to": "Nguyễn Văn An"}
    )

    lookup = app.test_client().get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert "Đã trả kết quả" in lookup
    assert "Nguyễn Văn An" not in lookup and "0912345678" not in lookup

    mine = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Đã trả kết quả" in mine and "Phạm Thị Dung" in mine


def test_json_api_lifecycle_step(app, demo):
    client = app.test_client()
    Browser(client).login("congdan")
    token = client.get("/api/csrf").get_json()["csrf_token"]
    created = client.post(
        "/api/dossiers",
        json={"procedure_code": KHAI_SINH, "data": birth_application()},
        headers={"X-CSRFToken": token},
    )
    assert created.status_code == 201, created.get_json()
    code = created.get_json()["code"]

    officer = app.test_client()
    Browser(officer).login("motcua")
    tasks = officer.get("/api/tasks").get_json()
    assert [t["dossier_code"] for t in tasks] == [code]
    token = officer.get("/api/csrf").get_json()["csrf_token"]
    done = officer.post(
        f"/api/tasks/{tasks[0]['id']}/complete",
        json={"data": {"decision": "accept"}, "version": tasks[0]["version"]},
        headers={"X-CSRFToken": token},
    )
    assert done.status_code == 200
    assert done.get_json()["national_status"] == 4

    again = officer.post(
        f"/api/tasks/{tasks[0]['id']}/complete",
        json={"data": {"decision": "accept"}},
        headers={"X-CSRFToken": token},
    )
    assert again.status_code == 409
    assert "đã được người khác xử lý" in again.get_json()["error"]

    public = app.test_client().get(f"/api/lookup/{code}").get_json()
    assert public["status_label"] == "Đang xử lý"
    assert "applicant_name" not in public


def test_invalid_form_shows_vietnamese_errors_beside_fields(app, demo):
    citizen = signed_in(app, "congdan")
    response = citizen.submit(
        f"/thu-tuc/{KHAI_SINH}/nop-ho-so", birth_application(applicant_id_number="123")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "12 chữ số" in page
    assert 'aria-invalid="true"' in page


def test_post_without_csrf_token_is_refused(app, demo):
    citizen = signed_in(app, "congdan")
    response = citizen.client.post(f"/thu-tuc/{KHAI_SINH}/nop-ho-so", data=birth_application())
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_workspace_refuses_anonymous_and_citizens(app, demo):
    assert app.test_client().get("/can-bo/").status_code == 403
    citizen = signed_in(app, "congdan")
    assert citizen.client.get("/can-bo/").status_code == 403
    assert citizen.client.get("/quan-tri/").status_code == 403


def test_wrong_password_is_refused(app, demo):
    response = Browser(app.test_client()).login("congdan", "sai-mat-khau")
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)


def test_unknown_code_lookup_says_so(app, demo):
    response = app.test_client().get("/tra-cuu?ma=000.00.20.H25-261129-9999")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.get_data(as_text=True)
