"""The leader approves and the agency signs the result; the one-stop returns only the signed
file; anyone checks it on the public verification page."""

from __future__ import annotations

import io

from sqlalchemy import select

from engine.documents_store.models import PersonalDocument
from engine.outbox.dispatch import perform_due
from engine.outbox.models import FAILED, OutboxMessage
from engine.signing.models import DocumentSignature
from tests.conftest import Browser
from tests.factories import complete, open_task
from tests.results import approved_with_result, page_text
from tests.signing import result_pdf

RETURN = {"return_channel": "online", "returned_to": "Nguyễn Văn An"}


def test_the_approved_result_is_signed_returned_signed_and_verifies(
    browser, demo, session_factory, signing
):
    original = result_pdf()
    dossier_id, code = approved_with_result(browser, demo, session_factory, original)
    browser.login("motcua")
    assert "Đang ký số" in page_text(browser.client.get(f"/can-bo/ho-so/{code}"))

    return_task = open_task(session_factory, dossier_id, "reception")
    refused = browser.submit(f"/can-bo/cong-viec/{return_task.id}", RETURN)
    assert refused.status_code == 400
    assert "chưa được ký số xong" in page_text(refused)
    assert open_task(session_factory, dossier_id, "reception").id == return_task.id

    perform_due(session_factory)
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Đã ký số</span> bởi Ủy ban nhân dân phường Phú Cường" in page
    assert "khai-sinh-da-ky-so.pdf" in page

    complete(session_factory, demo.actor("motcua"), return_task.id, RETURN)
    browser.login("congdan")
    page = page_text(browser.client.get(f"/ho-so/{code}"))
    assert "Kết quả giải quyết" in page and "Đã ký số" in page
    with session_factory() as session:
        stored_id = session.scalars(select(PersonalDocument.stored_file_id)).one()
    signed = browser.client.get(f"/tep/{stored_id}").data
    assert signed.startswith(original) and len(signed) > len(original)

    anyone = Browser(browser.client.application.test_client())
    verdict = verify(anyone, signed)
    assert verdict.status_code == 200
    page = page_text(verdict)
    assert "Chữ ký số hợp lệ: văn bản do Ủy ban nhân dân phường Phú Cường ký" in page
    assert "Nguyên vẹn" in page and "Chưa bị thu hồi" in page
    assert "Hợp lệ, đến chứng thư gốc tin cậy" in page

    tampered = signed.replace(
        b"/MediaBox [ 0 0 595.2756 841.8898 ]", b"/MediaBox [ 0 0 595.2756 841.8899 ]", 1
    )
    assert tampered != signed
    page = page_text(verify(anyone, tampered))
    assert "Chữ ký số không hợp lệ" in page and "Đã bị thay đổi" in page


def verify(browser, content: bytes, name: str = "ket-qua.pdf"):
    return browser.submit(
        "/xac-thuc-chu-ky", {"pdf": (io.BytesIO(content), name)}, page="/xac-thuc-chu-ky"
    )


def test_the_verification_page_refuses_what_it_cannot_check(browser, signing):
    not_pdf = verify(browser, b"<html>not a pdf</html>", "trang.pdf")
    assert not_pdf.status_code == 400 and "Tệp không phải PDF." in page_text(not_pdf)
    unsigned = verify(browser, result_pdf())
    assert unsigned.status_code == 400
    assert "Tệp PDF này không có chữ ký số." in page_text(unsigned)
    nothing = browser.submit("/xac-thuc-chu-ky", {})
    assert nothing.status_code == 400 and "Vui lòng chọn tệp PDF" in page_text(nothing)


def test_a_revoked_certificate_signs_nothing_and_the_officers_see_why(
    browser, demo, session_factory, signing, monkeypatch
):
    monkeypatch.setenv("MOTCUA_SIGNING_PKCS12", str(signing.revoked))
    dossier_id, code = approved_with_result(browser, demo, session_factory, result_pdf())
    perform_due(session_factory)

    with session_factory() as session:
        signature = session.scalars(select(DocumentSignature)).one()
        assert signature.state == "failed" and signature.signed_file_id is None
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "signing/sign-pdf")
        ).one()
        assert row.status == FAILED, "an incident on the system page"
    browser.login("motcua")
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Ký số không thành công" in page
    assert "Chứng thư số của cơ quan đã bị thu hồi." in page
    refused = browser.submit(
        f"/can-bo/cong-viec/{open_task(session_factory, dossier_id, 'reception').id}", RETURN
    )
    assert refused.status_code == 400 and "chưa được ký số xong" in page_text(refused)
