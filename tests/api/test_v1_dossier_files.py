"""A dossier's history, result files, receipt (Mẫu 01) and e-receipt through /api/v1: the
applicant reads what the portal shows her, the agency's officers what the workspace shows them,
anyone else gets 404; the PDFs open and carry the dossier's code."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from engine.db import transaction
from engine.dossiers.handover import forward_task
from engine.outbox.dispatch import perform_due
from engine.payments.collection import record_cash_payment
from engine.signing.models import DocumentSignature
from tests.api.callers import caller, household_dossier_code, second_citizen
from tests.factories import complete, open_task
from tests.results import approved_with_result
from tests.signing import result_pdf

RETURN_ONLINE = {"return_channel": "online", "returned_to": "Nguyễn Văn An"}


@pytest.fixture
def citizen(app, demo, session_factory):
    return caller(app, demo, session_factory, "congdan")


@pytest.fixture
def stranger(app, demo, session_factory):
    return second_citizen(app, demo, session_factory)


@pytest.fixture
def household_code(demo, session_factory) -> str:
    return household_dossier_code(demo, session_factory)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_safe_download(answer, filename_part: str) -> None:
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")
    assert answer.headers["Cache-Control"] == "private, no-store"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and filename_part in disposition


def test_the_history_tells_the_applicant_what_the_portal_does_and_officers_everything(
    app,
    demo,
    session_factory,
    citizen,
    stranger,
):
    from tests.api.callers import submit_with_file
    from tests.unit.webapp.portal.conftest import dossier_id_of

    code = submit_with_file(citizen)
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"decision": "accept"},
    )
    task = open_task(session_factory, dossier_id, "processing")
    with session_factory() as session, transaction(session):
        forward_task(
            session,
            demo.actor("thuly"),
            task.id,
            to_user_id=demo.actor("thuly2").user_id,
            note="Hồ sơ này cần đối chiếu kỹ",
        )

    mine = citizen.get(f"/dossiers/{code}/history")
    assert mine.status_code == 200
    events = mine.get_json()["items"]
    assert [e["action"] for e in events] == ["submitted", "task_completed", "forwarded"]
    assert events[1]["to_status_label"] and events[1]["task_title"]
    assert events[2]["note"] is None and events[2]["actor_name"] is None
    assert "đối chiếu" not in mine.get_data(as_text=True)

    officer = caller(app, demo, session_factory, "thuly")
    whole = officer.get(f"/dossiers/{code}/history").get_json()["items"]
    assert "Hồ sơ này cần đối chiếu kỹ" in whole[2]["note"]
    assert whole[2]["actor_name"]

    assert stranger.get(f"/dossiers/{code}/history").status_code == 404
    other_agency = caller(app, demo, session_factory, "thulycn")
    assert other_agency.get(f"/dossiers/{code}/history").status_code == 404


def test_result_files_reach_the_applicant_once_returned_and_download_safely(
    app,
    browser,
    demo,
    session_factory,
    signing,
    citizen,
    stranger,
):
    dossier_id, code = approved_with_result(browser, demo, session_factory, result_pdf())
    officer = caller(app, demo, session_factory, "motcua")
    [attached] = officer.get(f"/dossiers/{code}/results").get_json()["items"]
    assert attached["title"] == "Giấy khai sinh (bản điện tử)"
    assert attached["content_type"] == "application/pdf"
    path = f"/dossiers/{code}/results/{attached['id']}"
    assert citizen.get(f"/dossiers/{code}/results").get_json() == {"items": []}
    assert citizen.get(path).status_code == 404  # not returned yet: still a draft

    perform_due(session_factory)  # the worker signs the result
    return_task = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), return_task.id, RETURN_ONLINE)

    [result] = citizen.get(f"/dossiers/{code}/results").get_json()["items"]
    assert result["id"] == attached["id"]
    download = citizen.get(path)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert_safe_download(download, ".pdf")
    assert "GIẤY KHAI SINH" in pdf_text(download.data)
    assert stranger.get(f"/dossiers/{code}/results").status_code == 404
    assert stranger.get(path).status_code == 404
    assert citizen.get(f"/dossiers/{code}/results/999999").status_code == 404
    assert citizen.get(f"/dossiers/{code}/results/99999999999").status_code == 404


def test_the_receipt_downloads_as_a_pdf_with_the_dossier_code(
    app,
    demo,
    session_factory,
    citizen,
    stranger,
):
    from tests.api.callers import submit_with_file

    code = submit_with_file(citizen)
    receipt = citizen.get(f"/dossiers/{code}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.headers["Content-Type"] == "application/pdf"
    assert_safe_download(receipt, f"{code}-bien-nhan.pdf")
    assert code in pdf_text(receipt.data)
    officer = caller(app, demo, session_factory, "motcua")
    assert officer.get(f"/dossiers/{code}/receipt.pdf").status_code == 200
    assert stranger.get(f"/dossiers/{code}/receipt.pdf").status_code == 404


def test_the_e_receipt_downloads_once_the_fees_are_paid(
    app,
    demo,
    session_factory,
    household_code,
    stranger,
):
    citizen = caller(app, demo, session_factory, "congdan")
    path = f"/dossiers/{household_code}/e-receipt.pdf"
    before = citizen.get(path)
    assert before.status_code == 404
    assert before.get_json()["error"]["message"]["vi"] == "Hồ sơ chưa có biên lai điện tử."

    with session_factory() as session, transaction(session):
        record_cash_payment(session, demo.actor("motcua"), household_code)

    receipt = citizen.get(path)
    assert receipt.status_code == 200
    assert_safe_download(receipt, f"bien-lai-{household_code}.pdf")
    text = pdf_text(receipt.data)
    assert household_code in text and "Một trăm nghìn đồng" in text
    assert stranger.get(path).status_code == 404


def test_the_applicant_asks_to_sign_her_form_once(
    app, demo, session_factory, household_code, stranger, remote_signing
):
    citizen = caller(app, demo, session_factory, "congdan")
    path = f"/dossiers/{household_code}/form-signature"
    assert stranger.post(path, {}).status_code == 404
    officer = caller(app, demo, session_factory, "motcua")
    assert officer.post(path, {}).status_code == 404
    asked = citizen.post(path, {}, key="ky-1")
    assert asked.status_code == 201, asked.get_json()
    assert asked.get_json()["state"] == "pending"
    replay = citizen.post(path, {}, key="ky-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    again = citizen.post(path, {})
    assert again.status_code == 422
    assert "đã được gửi ký số" in again.get_json()["error"]["message"]["vi"]
    with session_factory() as session:
        assert session.query(DocumentSignature).count() == 1


def test_a_procedure_that_does_not_ask_refuses_the_form_signature(citizen):
    from tests.api.callers import submit_with_file

    code = submit_with_file(citizen)
    refused = citizen.post(f"/dossiers/{code}/form-signature", {})
    assert refused.status_code == 422
    assert (
        refused.get_json()["error"]["message"]["vi"] == "Thủ tục này không yêu cầu ký số tờ khai."
    )
