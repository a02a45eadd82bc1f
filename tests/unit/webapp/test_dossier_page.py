"""The officer's dossier page and counter reception over HTTP, with scope on every read."""

from __future__ import annotations

import io
import re

import pytest
from lxml import etree

from tests.factories import KHAI_SINH, birth_application, submit
from tests.other_agency import create_other_agency_officer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECEIVED_ALL = {
    "component-to_khai-received": "1",
    "component-to_khai-count": "1",
    "component-giay_chung_sinh-received": "1",
    "component-giay_chung_sinh-count": "1",
    "component-giay_to_tuy_than-received": "1",
    "component-giay_to_tuy_than-kind": "copy",
    "component-giay_to_tuy_than-count": "2",
}


@pytest.fixture
def files_dir(app, tmp_path):
    app.config["MOTCUA_FILES_DIR"] = str(tmp_path / "files")
    return tmp_path / "files"


def receive_at_counter(browser, **extra):
    form = {**birth_application(), **RECEIVED_ALL, "reception_decision": "accept", **extra}
    return browser.submit(
        f"/can-bo/tiep-nhan/{KHAI_SINH}", form, content_type="multipart/form-data"
    )


def file_links(html: str) -> list[str]:
    return re.findall(r'href="(/can-bo/ho-so/[^"]+/tep/\d+)"', html)


def test_counter_reception_leads_to_a_full_dossier_page(app, demo, browser, files_dir):
    browser.login("motcua")
    scan = (io.BytesIO(PDF), "giay-chung-sinh.pdf")
    answer = receive_at_counter(browser, **{"component-giay_chung_sinh-scan": scan})
    assert answer.status_code == 302
    page = browser.client.get(answer.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Đã tiếp nhận hồ sơ" in html
    assert "Trực tiếp" in html
    assert "Quan hệ với người được khai sinh" in html and "<dd>Cha</dd>" in html
    assert '"applicant_relationship"' not in html  # labels, not raw JSON
    assert "Bản sao" in html and "giay-chung-sinh.pdf" in html
    assert "Thụ lý hồ sơ" in html and "Chưa có người nhận" in html
    assert "Mới đăng ký → Đang xử lý" in html
    assert 'id="messages"' in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    diagram = etree.fromstring(svg.encode())
    assert diagram.get("role") == "img"
    assert 'data-bpmn-id="Task_Processing"' in svg


def test_a_scan_is_previewed_and_downloaded_only_within_scope(
    app, demo, browser, files_dir, session_factory
):
    browser.login("motcua")
    scan = (io.BytesIO(PDF), "giay-chung-sinh.pdf")
    location = receive_at_counter(browser, **{"component-giay_chung_sinh-scan": scan}).headers[
        "Location"
    ]
    (link,) = file_links(browser.client.get(location).get_data(as_text=True))
    preview = browser.client.get(link)
    assert preview.status_code == 200 and preview.data == PDF
    assert preview.headers["Content-Type"] == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    download = browser.client.get(f"{link}?tai-ve=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "giay-chung-sinh.pdf" in download.headers["Content-Disposition"]

    _, other_code = submit(session_factory, demo.actor("congdan"))
    file_id = link.rsplit("/", 1)[1]
    assert browser.client.get(f"/can-bo/ho-so/{other_code}/tep/{file_id}").status_code == 404

    create_other_agency_officer(session_factory)
    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/")})
    browser.login("motcua_b")
    assert browser.client.get(link).status_code == 404
    assert browser.client.get(location).status_code == 404


def test_missing_papers_and_bad_fields_are_shown_together(app, demo, browser, files_dir):
    browser.login("motcua")
    form = {
        **birth_application(applicant_phone="12"),
        "component-to_khai-received": "1",
        "component-to_khai-count": "1",
        "reception_decision": "accept",
    }
    answer = browser.submit(
        f"/can-bo/tiep-nhan/{KHAI_SINH}", form, content_type="multipart/form-data"
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    summary = html[html.index("error-summary") : html.index("</div>", html.index("error-summary"))]
    assert "Giấy chứng sinh" in summary and "#c-giay_chung_sinh" in summary
    assert "#f-applicant_phone" in summary
    assert 'name="component-to_khai-received" value="1" checked' in html
    assert "chọn lại tệp" in html


def test_register_only_keeps_the_dossier_waiting_for_reception(app, demo, browser, files_dir):
    browser.login("motcua")
    answer = receive_at_counter(browser, reception_decision="register")
    html = browser.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Đã đăng ký hồ sơ" in html
    assert "Chưa bắt đầu tính" in html
    assert "Tiếp nhận hồ sơ" in html  # the open task


def test_counter_reception_is_for_one_stop_officers(app, demo, browser):
    browser.login("thuly")
    assert browser.client.get("/can-bo/tiep-nhan").status_code == 403
    assert browser.client.get(f"/can-bo/tiep-nhan/{KHAI_SINH}").status_code == 403
    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/")})
    browser.login("motcua")
    page = browser.client.get("/can-bo/tiep-nhan").get_data(as_text=True)
    assert f"/can-bo/tiep-nhan/{KHAI_SINH}" in page
