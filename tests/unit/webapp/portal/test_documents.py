"""The e-document store: upload, list, delete, scope, and results landing there."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import transaction
from engine.documents_store.models import PersonalDocument
from engine.documents_store.store import file_result_to_store
from engine.dossiers.models import Dossier
from engine.files.models import StoredFile
from tests.unit.webapp.portal.conftest import PDF, pdf, signed_in, submit_over_http


def test_upload_list_and_delete(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    response = citizen.submit(
        "/kho-giay-to", {"title": "Căn cước công dân", "file": pdf("cccd.pdf")}
    )
    assert response.status_code == 302
    page = citizen.client.get("/kho-giay-to").get_data(as_text=True)
    assert "Căn cước công dân" in page and "cccd.pdf" in page and "Tự tải lên" in page

    with session_factory() as session:
        document_id = session.scalar(select(PersonalDocument.id))
    citizen.submit(f"/kho-giay-to/{document_id}/xoa", {}, page="/kho-giay-to")
    assert "Kho chưa có giấy tờ nào." in citizen.client.get("/kho-giay-to").get_data(as_text=True)


def test_a_file_whose_extension_lies_is_refused(app, demo):
    citizen = signed_in(app, "congdan")
    fake = pdf("anh.png", b"<html><script>alert(1)</script></html>")
    response = citizen.submit("/kho-giay-to", {"title": "Ảnh", "file": fake})
    assert response.status_code == 400
    assert "Nội dung tệp không phải PDF, JPEG, PNG, DOCX" in response.get_data(as_text=True)


def test_a_returned_result_lands_in_the_applicants_store(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    with session_factory() as session, transaction(session):
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        result = session.scalars(select(StoredFile)).first()
        file_result_to_store(session, dossier, result, "Giấy khai sinh (bản điện tử)")

    page = citizen.client.get("/kho-giay-to").get_data(as_text=True)
    assert "Giấy khai sinh (bản điện tử)" in page and "Kết quả giải quyết" in page
    with session_factory() as session:
        stored_id = session.scalars(select(PersonalDocument)).one().stored_file_id
    assert citizen.client.get(f"/tep/{stored_id}").data == PDF


def test_officers_and_anonymous_have_no_store(app, demo):
    assert app.test_client().get("/kho-giay-to").status_code == 302
    officer = signed_in(app, "motcua")
    response = officer.submit("/kho-giay-to", {"title": "x", "file": pdf()})
    assert response.status_code == 403
