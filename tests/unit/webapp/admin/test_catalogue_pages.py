"""The catalogue pages as an administrator uses them."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from engine.procedures.models import Procedure


def record_form(**overrides) -> dict:
    form = {
        "code": "2.000010",
        "name": "Cấp bản sao trích lục hộ tịch",
        "field": "Hộ tịch",
        "level": "commune",
        "channels": ["in_person", "online"],
        "days_in_person": "1",
        "days_online": "1",
        "deadline_working_days": "1",
        "online_service_level": "toan_trinh",
        "documents": "Tờ khai cấp bản sao | bản chính | 1 | bắt buộc | Theo mẫu | to_khai",
        "fees": "Phí cấp bản sao trích lục | 8000 | Mỗi bản",
        "steps": "reception | Tiếp nhận | Kiểm tra tờ khai",
        "legal_basis": "60/2014/QH13 | Luật Hộ tịch | Điều 64",
        "valid_from": "2025-07-01",
    }
    form.update(overrides)
    return form


def test_declare_then_edit_a_procedure(browser, demo, session_factory):
    browser.login("quantri")
    page = browser.client.get("/quan-tri/thu-tuc/moi").get_data(as_text=True)
    ward_id = page.split('name="agency_id">')[1].split('value="')[1].split('"')[0]
    response = browser.submit("/quan-tri/thu-tuc/moi", record_form(agency_id=ward_id))
    assert response.status_code == 302
    with session_factory() as session:
        procedure = session.scalar(select(Procedure).where(Procedure.code == "2.000010"))
        assert procedure.record["fees"] == [
            {"name": "Phí cấp bản sao trích lục", "amount": 8000, "note": "Mỗi bản"}
        ]
        assert procedure.record["documents"][0]["code"] == "to_khai"
        assert procedure.record["channel_deadlines"][1] == {"channel": "online", "working_days": 1}

    edit = browser.client.get("/quan-tri/thu-tuc/2.000010/sua").get_data(as_text=True)
    assert "Phí cấp bản sao trích lục | 8000 | Mỗi bản" in edit
    response = browser.submit(
        "/quan-tri/thu-tuc/2.000010/sua", record_form(fees="Phí cấp bản sao | mười nghìn")
    )
    assert response.status_code == 400
    assert "Dòng 1: Mức thu là số đồng, không âm." in response.get_data(as_text=True)


def test_retire_shows_on_the_list(browser, demo):
    browser.login("quantri")
    response = browser.submit(
        "/quan-tri/thu-tuc/1.001193/ngung", {"valid_to": "2026-01-01"}, page="/quan-tri/"
    )
    assert response.status_code == 302
    page = browser.client.get("/quan-tri/").get_data(as_text=True)
    assert "Ngừng áp dụng từ 2026-01-01" in page


def test_export_download_and_import_report(browser, demo):
    browser.login("quantri")
    exported = browser.client.get("/quan-tri/danh-muc.json")
    assert "attachment" in exported.headers["Content-Disposition"]
    items = json.loads(exported.get_data(as_text=True))

    def upload(records):
        body = json.dumps(records, ensure_ascii=False).encode()
        return browser.submit(
            "/quan-tri/danh-muc/nhap",
            {"catalogue": (io.BytesIO(body), "danh-muc.json")},
            page="/quan-tri/",
            content_type="multipart/form-data",
        )

    assert "từ chối 0 bản ghi" in upload(items).get_data(as_text=True)
    items[0]["TENTTHC"] = ""
    response = upload(items)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Tạo mới 0, cập nhật 0, không đổi {len(items) - 1}, từ chối 1 bản ghi." in page
    assert "name: Vui lòng nhập tên thủ tục." in page


def test_versions_page_lists_dossier_counts(browser, demo):
    browser.login("quantri")
    page = browser.client.get("/quan-tri/thu-tuc/1.001193/phien-ban").get_data(as_text=True)
    assert "Các phiên bản quy trình" in page and "(mới nhất)" in page
