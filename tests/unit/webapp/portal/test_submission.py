"""Online submission: upload slots, content checks, drafts (also across an expired session),
the receipt and the confirmation e-mail in the outbox.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.dossiers.models import DossierDocument, DossierDraft
from engine.files.models import StoredFile
from engine.outbox.models import OutboxMessage
from tests.factories import birth_application
from tests.unit.webapp.portal.conftest import (
    PDF,
    SUBMIT_PATH,
    pdf,
    signed_in,
    submit_over_http,
)


def test_form_has_one_upload_slot_per_document_to_upload(app, demo):
    page = signed_in(app, "congdan").client.get(SUBMIT_PATH).get_data(as_text=True)
    slots = re.findall(r'<input type="file" id="(doc_\w+)"', page)
    assert slots == ["doc_giay_chung_sinh", "doc_giay_chung_nhan_ket_hon", "doc_van_ban_uy_quyen"]
    assert 'enctype="multipart/form-data"' in page
    assert "Lưu nháp" in page


def test_missing_required_document_is_shown_beside_its_slot(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    response = citizen.submit(SUBMIT_PATH, {**birth_application(), "action": "submit"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="doc_giay_chung_sinh-error"' in page
    assert "Vui lòng đính kèm giấy chứng sinh." in page
    with session_factory() as session:
        assert session.scalar(select(OutboxMessage.id)) is None


def test_file_whose_extension_lies_is_refused_and_other_fields_kept(app, demo):
    citizen = signed_in(app, "congdan")
    fake = pdf("giay-chung-sinh.pdf", b"MZ\x90\x00 this is an executable, not a PDF")
    response = citizen.submit(
        SUBMIT_PATH, {**birth_application(), "doc_giay_chung_sinh": fake, "action": "submit"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nội dung tệp không phải PDF" in page
    assert 'value="Nguyễn Thị Ánh Dương"' in page


def test_submit_links_files_enqueues_confirmation_and_shows_receipt(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)

    receipt = citizen.client.get(f"/ho-so/{code}/bien-nhan").get_data(as_text=True)
    assert f'id="dossier-code">{code}<' in receipt
    assert "(dự kiến" in receipt
    assert "<svg" in receipt and "<path" in receipt
    assert f"/tra-cuu?ma={code}" in receipt

    with session_factory() as session:
        document = session.scalars(select(DossierDocument)).one()
        assert document.document_code == "giay_chung_sinh"
        stored = session.get(StoredFile, document.stored_file_id)
        assert stored.content_type == "application/pdf" and stored.dossier_id is not None
        notice = session.scalars(select(OutboxMessage)).one()
        assert notice.operation == "notify/applicant"
        assert notice.payload["template"] == "submitted"
        assert notice.payload["to"] == "an.nguyen@example.vn"
        assert session.scalar(select(DossierDraft.id)) is None

    download = citizen.client.get(f"/tep/{document.stored_file_id}")
    assert download.status_code == 200 and download.data == PDF


def test_draft_is_saved_and_resumed_with_its_attachment(app, demo):
    citizen = signed_in(app, "congdan")
    response = citizen.submit(
        SUBMIT_PATH,
        {
            "child_full_name": "Nguyễn Thị Ánh Dương",
            "doc_giay_chung_sinh": pdf(),
            "action": "draft",
        },
    )
    assert response.status_code == 302

    page = citizen.client.get(SUBMIT_PATH).get_data(as_text=True)
    assert 'value="Nguyễn Thị Ánh Dương"' in page
    assert "Đã đính kèm: <strong>giay-chung-sinh.pdf" in page
    assert "Bản nháp lưu lúc" in page
    listing = citizen.client.get("/ho-so-cua-toi").get_data(as_text=True)
    assert "Hồ sơ nháp" in listing

    data = {**birth_application(), "action": "submit"}
    response = citizen.submit(SUBMIT_PATH, data)
    assert response.status_code == 302, "the draft's attachment fills the required slot"


def test_expired_session_keeps_what_was_typed(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    token = citizen.token(SUBMIT_PATH)
    citizen.client.post("/dang-xuat", data={"csrf_token": token})

    response = citizen.client.post(
        SUBMIT_PATH,
        data={**birth_application(child_full_name="Lê Minh Khôi"), "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]

    citizen.login("congdan")
    page = citizen.client.get(SUBMIT_PATH).get_data(as_text=True)
    assert 'value="Lê Minh Khôi"' in page
    assert "Đã khôi phục thông tin" in page
    with session_factory() as session:
        draft = session.scalars(select(DossierDraft)).one()
        assert draft.data["child_full_name"] == "Lê Minh Khôi"
    again = citizen.client.get(SUBMIT_PATH).get_data(as_text=True)
    assert "Đã khôi phục thông tin" not in again, "the stash is used once"


def test_anonymous_post_from_another_site_is_not_stashed(app, demo):
    client = app.test_client()
    response = client.post(
        SUBMIT_PATH,
        data=birth_application(child_full_name="Kẻ Gian"),
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 302
    assert "motcua_draft_stash" not in response.headers.get("Set-Cookie", "")


def test_signed_in_post_without_csrf_token_is_refused(app, demo):
    citizen = signed_in(app, "congdan")
    response = citizen.client.post(SUBMIT_PATH, data=birth_application())
    assert response.status_code == 400


def test_a_document_from_the_store_fills_a_slot(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    citizen.submit("/kho-giay-to", {"title": "Giấy chứng sinh của bé", "file": pdf()})
    page = citizen.client.get(SUBMIT_PATH).get_data(as_text=True)
    store_id = re.search(r'name="store_giay_chung_sinh">.*?<option value="(\d+)"', page, re.S)[1]

    code = submit_over_http(citizen, doc_giay_chung_sinh=None, store_giay_chung_sinh=store_id)
    with session_factory() as session:
        document = session.scalars(select(DossierDocument)).one()
        stored = session.get(StoredFile, document.stored_file_id)
        assert stored.dossier_id is not None
    dossier_page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "giay-chung-sinh.pdf" in dossier_page
    assert "Giấy chứng sinh của bé" in citizen.client.get("/kho-giay-to").get_data(as_text=True)


def test_another_citizens_draft_and_store_document_are_out_of_reach(
    app, demo, other_citizen, session_factory
):
    owner = signed_in(app, "congdan")
    owner.submit(SUBMIT_PATH, {"child_full_name": "Bí mật", "action": "draft"})
    owner.submit("/kho-giay-to", {"title": "CCCD", "file": pdf("cccd.pdf")})
    with session_factory() as session:
        draft_id = session.scalar(select(DossierDraft.id))
        file_id = session.scalar(select(StoredFile.id))
        from engine.documents_store.models import PersonalDocument

        document_id = session.scalar(select(PersonalDocument.id))

    intruder = signed_in(app, other_citizen)
    assert "Bí mật" not in intruder.client.get(SUBMIT_PATH).get_data(as_text=True)
    assert (
        intruder.submit(f"/ho-so-nhap/{draft_id}/xoa", {}, page="/ho-so-cua-toi").status_code == 404
    )
    assert intruder.client.get(f"/tep/{file_id}").status_code == 404
    response = intruder.submit(f"/kho-giay-to/{document_id}/xoa", {}, page="/kho-giay-to")
    assert response.status_code == 404
    response = intruder.submit(
        SUBMIT_PATH,
        {**birth_application(), "store_giay_chung_sinh": str(document_id), "action": "submit"},
    )
    assert response.status_code == 404
