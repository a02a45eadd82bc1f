"""The applicant signs their own form remotely where the procedure asks (household business)."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers.models import Dossier, DossierDocument
from engine.outbox.dispatch import perform_due
from engine.signing.models import DocumentSignature
from tests.documents import pdf_text
from tests.results import page_text
from tests.unit.webapp.test_result_signing import verify


def test_the_applicant_signs_the_printed_form_on_the_phone(
    browser, session_factory, household_dossier, remote_signing
):
    code = household_dossier
    browser.login("congdan")
    page = page_text(browser.client.get(f"/ho-so/{code}"))
    assert "Ký số tờ khai" in page

    asked = browser.submit(f"/ho-so/{code}/ky-to-khai", {}, page=f"/ho-so/{code}")
    assert asked.status_code == 302
    page = page_text(browser.client.get(f"/ho-so/{code}"))
    assert "Tờ khai (bản ký số)" in page and "Đang ký số" in page
    again = browser.submit(f"/ho-so/{code}/ky-to-khai", {}, page=f"/ho-so/{code}")
    assert "Tờ khai đã được gửi ký số" in page_text(browser.client.get(again.location))

    perform_due(session_factory)
    with session_factory() as session:
        signature = session.scalars(select(DocumentSignature)).one()
    (transaction,) = remote_signing.transactions.values()
    assert transaction["user_id"] == "074090001234", "the citizen's ID number"
    remote_signing.answer(signature.transaction_id, approve=True)
    perform_due(session_factory)

    with session_factory() as session:
        signature = session.scalars(select(DocumentSignature)).one()
        assert signature.state == "signed" and signature.signer == "Nguyễn Văn An"
        document = session.scalars(
            select(DossierDocument)
            .join(Dossier, Dossier.id == DossierDocument.dossier_id)
            .where(Dossier.code == code, DossierDocument.document_code == "to_khai_ky_so")
        ).one()
        file_id = document.stored_file_id
    signed = browser.client.get(f"/tep/{file_id}").data
    printed = pdf_text(signed)
    assert "Nguyễn Văn An" in printed and "Ký số" in printed
    assert "Chữ ký số hợp lệ: văn bản do Nguyễn Văn An ký" in page_text(verify(browser, signed))

    browser.login("motcua")
    officer_page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Đã ký số</span> bởi Nguyễn Văn An" in officer_page


def test_a_procedure_that_does_not_ask_offers_no_signature(browser, demo, session_factory):
    from tests.factories import submit

    _, code = submit(session_factory, demo.actor("congdan"))
    browser.login("congdan")
    assert "Ký số tờ khai" not in page_text(browser.client.get(f"/ho-so/{code}"))
    refused = browser.submit(f"/ho-so/{code}/ky-to-khai", {}, page=f"/ho-so/{code}")
    assert "Thủ tục này không yêu cầu ký số tờ khai." in page_text(
        browser.client.get(refused.location)
    )
