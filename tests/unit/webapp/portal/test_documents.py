"""The e-document store: upload, list, delete, scope, and results landing there."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from engine.documents_store.models import PersonalDocument
from engine.dossiers.models import CHANNEL_COUNTER, Dossier, DossierDocument
from engine.files.models import StoredFile
from tests.signing import result_pdf
from tests.unit.webapp.portal.conftest import (
    carry_to_returned,
    dossier_id_of,
    pdf,
    signed_in,
    submit,
    submit_over_http,
)


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


def test_a_returned_result_lands_in_the_applicants_store(
    app, demo, session_factory, other_citizen, signing
):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    officer = signed_in(app, "thuly")
    original = result_pdf()
    response = officer.submit(
        f"/can-bo/ho-so/{code}/ket-qua",
        {"title": "Giấy khai sinh (bản điện tử)", "result_file": pdf("khai-sinh.pdf", original)},
        page=f"/can-bo/ho-so/{code}",
    )
    assert response.status_code == 302
    assert "khai-sinh.pdf" in officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    elsewhere = signed_in(app, "thulycn").submit(
        f"/can-bo/ho-so/{code}/ket-qua",
        {"title": "Giả", "result_file": pdf("gia.pdf")},
        page="/can-bo/",
    )
    assert elsewhere.status_code == 404, "an officer of another agency cannot attach a result"
    assert "Kết quả giải quyết" not in citizen.client.get("/kho-giay-to").get_data(as_text=True)

    carry_to_returned(demo, session_factory, dossier_id_of(session_factory, code))

    page = citizen.client.get("/kho-giay-to").get_data(as_text=True)
    assert f"Giấy khai sinh (bản điện tử) — hồ sơ {code}" in page and "Kết quả giải quyết" in page
    with session_factory() as session:
        document = session.scalars(select(PersonalDocument)).one()
        document_id, stored_id = document.id, document.stored_file_id
    signed = citizen.client.get(f"/tep/{stored_id}").data
    assert signed.startswith(original) and b"/ETSI.CAdES.detached" in signed, "the signed file"
    assert signed_in(app, other_citizen).client.get(f"/tep/{stored_id}").status_code == 404

    again = submit_over_http(
        citizen, doc_giay_chung_sinh="", store_giay_chung_sinh=str(document_id)
    )
    with session_factory() as session:
        reused = session.scalars(
            select(DossierDocument)
            .join(Dossier, Dossier.id == DossierDocument.dossier_id)
            .where(Dossier.code == again)
        ).one()
        assert (
            session.get(StoredFile, reused.stored_file_id).sha256
            == hashlib.sha256(signed).hexdigest()
        )


def test_a_counter_return_of_a_counter_dossier_files_nothing(demo, session_factory):
    officer = demo.actor("motcua")
    agency_id = next(iter(officer.roles["reception"]))
    dossier_id, _ = submit(session_factory, officer, channel=CHANNEL_COUNTER, agency_id=agency_id)
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).applicant_user_id is None
    carry_to_returned(demo, session_factory, dossier_id)
    with session_factory() as session:
        assert session.scalar(select(PersonalDocument.id)) is None


def test_officers_and_anonymous_have_no_store(app, demo):
    assert app.test_client().get("/kho-giay-to").status_code == 302
    officer = signed_in(app, "motcua")
    response = officer.submit("/kho-giay-to", {"title": "x", "file": pdf()})
    assert response.status_code == 403
