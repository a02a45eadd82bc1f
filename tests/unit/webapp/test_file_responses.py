"""Files go back with safe headers wherever they are served: nosniff, the sandbox CSP, inline
only for PDFs and images, and the uploader's name in RFC 5987 form."""

from __future__ import annotations

from engine.db import transaction
from engine.files.storage import FolderStorage
from engine.files.uploads import store_upload
from tests.factories import submit
from tests.unit.engine.files.test_hostile_content import docx_with
from tests.unit.webapp.portal.conftest import PDF, pdf, signed_in
from webapp.file_responses import FILE_CONTENT_SECURITY_POLICY, content_disposition

SANDBOX = "sandbox; default-src 'none'; img-src 'self'"


def assert_safe(response, disposition: str) -> None:
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Content-Disposition"].startswith(f"{disposition};")


def test_the_citizens_download_is_an_attachment_with_its_name_in_utf8(app, demo):
    citizen = signed_in(app, "congdan")
    citizen.submit("/kho-giay-to", {"title": "Giấy", "file": pdf("Giấy chứng sinh (bé).pdf")})
    page = citizen.client.get("/kho-giay-to").get_data(as_text=True)
    file_id = page.split('href="/tep/')[1].split('"')[0]
    response = citizen.client.get(f"/tep/{file_id}")
    assert_safe(response, "attachment")
    header = response.headers["Content-Disposition"]
    assert 'filename="Giay chung sinh (be).pdf"' in header
    assert "filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20sinh%20%28b%C3%A9%29.pdf" in header
    assert response.data == PDF


def test_officers_preview_pdfs_inline_and_download_everything_else(
    app, demo, session_factory, tmp_path
):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    storage = FolderStorage(tmp_path / "files")
    with session_factory() as session, transaction(session):
        citizen = demo.actor("congdan")
        ids = [
            store_upload(
                session, citizen, storage, filename=name, content=content, dossier_id=dossier_id
            ).id
            for name, content in (("giay.pdf", PDF), ("to-khai.docx", docx_with({})))
        ]
    app.config["MOTCUA_FILES_DIR"] = str(tmp_path / "files")
    officer = signed_in(app, "motcua")
    assert_safe(officer.client.get(f"/can-bo/ho-so/{code}/tep/{ids[0]}"), "inline")
    assert_safe(officer.client.get(f"/can-bo/ho-so/{code}/tep/{ids[0]}?tai-ve=1"), "attachment")
    assert_safe(officer.client.get(f"/can-bo/ho-so/{code}/tep/{ids[1]}"), "attachment")


def test_the_catalogue_export_is_a_sandboxed_attachment(app, demo):
    response = signed_in(app, "quantri").client.get("/quan-tri/danh-muc.json")
    assert_safe(response, "attachment")
    assert response.get_json()


def test_the_blank_form_of_a_package_is_a_sandboxed_attachment(app, demo, monkeypatch):
    from webapp.portal import catalogue

    class Blank:
        content, content_type, filename = PDF, "application/pdf", "giay-uy-quyen.pdf"

    monkeypatch.setattr(catalogue, "get_blank_form", lambda version, code: Blank)
    assert_safe(app.test_client().get("/thu-tuc/1.001193/mau/to_khai"), "attachment")


def test_quotes_semicolons_and_line_breaks_in_a_name_cannot_break_the_header():
    header = content_disposition("attachment", 'Đơn; "x"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback == "Don_ _x_ Set-Cookie_ x_1.pdf"
    assert header.endswith(
        "filename*=UTF-8''%C4%90%C6%A1n%3B%20%22x%22%20Set-Cookie%3A%20x%3D1.pdf"
    )
    assert FILE_CONTENT_SECURITY_POLICY == SANDBOX
