"""The leader signs the result remotely: asked on approval, approved on the phone (the provider's
sandbox), the signed file verifies; a refusal on the phone is shown and blocks the return."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, WAITING, OutboxMessage
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.signing.models import DocumentSignature
from engine.users.actor import SYSTEM
from tests.conftest import Browser
from tests.factories import open_task
from tests.results import approved_with_result, page_text
from tests.signing import result_pdf
from tests.unit.webapp.test_result_signing import RETURN, verify

BIRTH = Path(__file__).resolve().parents[3] / "processes" / "dang_ky_khai_sinh"


@pytest.fixture
def remote(remote_signing, session_factory, demo, tmp_path):
    """The birth registration republished with the approval signed by the leader
    (`signResult` = `leader`)."""
    package = tmp_path / "package"
    shutil.copytree(BIRTH, package)
    diagram = package / "process.bpmn"
    diagram.write_text(
        diagram.read_text("utf-8").replace(
            '<spiffworkflow:property name="signResult" value="true" />',
            '<spiffworkflow:property name="signResult" value="leader" />',
        ),
        "utf-8",
    )
    with session_factory() as session, transaction(session):
        publish_package(session, SYSTEM, load_package_dir(package))
    return remote_signing


def signature(session_factory) -> DocumentSignature:
    with session_factory() as session:
        return session.scalars(select(DocumentSignature)).one()


def test_the_leader_approves_on_the_phone_and_the_result_is_signed_in_their_name(
    browser, demo, session_factory, remote
):
    original = result_pdf()
    dossier_id, code = approved_with_result(browser, demo, session_factory, original)
    perform_due(session_factory)

    asked = signature(session_factory)
    assert asked.method == "remote" and asked.state == "pending" and asked.transaction_id
    (transaction,) = remote.transactions.values()
    assert transaction["user_id"] == "lanhdao" and code in transaction["description"]
    with session_factory() as session:
        request = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "remote_signing/request")
        ).one()
        assert request.status == WAITING, "waits for the signer"
    browser.login("lanhdao")
    assert "Đang ký số" in page_text(browser.client.get(f"/can-bo/ho-so/{code}"))

    approved = remote.answer(asked.transaction_id, approve=True)
    assert approved["callback"] == 200
    assert remote.notify_again(asked.transaction_id)["callback"] == 200, "a repeated callback"
    perform_due(session_factory)

    signed = signature(session_factory)
    assert signed.state == "signed" and signed.signer == "Phạm Thị Dung"
    with session_factory() as session:
        finishing = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "remote_signing/finish")
        ).all()
        assert len(finishing) == 1, "the repeated callback queued nothing more"
        assert session.get(OutboxMessage, request.id).status == DONE
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Đã ký số</span> bởi Phạm Thị Dung" in page

    browser.login("motcua")
    returned = browser.submit(
        f"/can-bo/cong-viec/{open_task(session_factory, dossier_id, 'reception').id}", RETURN
    )
    assert returned.status_code == 302
    content = browser.client.get(f"/can-bo/ho-so/{code}/tep/{signed.signed_file_id}").data
    assert content.startswith(original)
    anyone = Browser(browser.client.application.test_client())
    page = page_text(verify(anyone, content))
    assert "Chữ ký số hợp lệ: văn bản do Phạm Thị Dung ký" in page


def test_a_refusal_on_the_phone_fails_the_signature_and_blocks_the_return(
    browser, demo, session_factory, remote
):
    dossier_id, code = approved_with_result(browser, demo, session_factory, result_pdf())
    perform_due(session_factory)
    remote.answer(signature(session_factory).transaction_id, approve=False)
    perform_due(session_factory)

    assert signature(session_factory).state == "failed"
    browser.login("motcua")
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Ký số không thành công" in page and "Người ký đã từ chối ký." in page
    refused = browser.submit(
        f"/can-bo/cong-viec/{open_task(session_factory, dossier_id, 'reception').id}", RETURN
    )
    assert refused.status_code == 400


def test_a_callback_without_the_providers_signature_is_refused(browser, live_server, remote):
    import requests

    answer = requests.post(
        f"{live_server}/ket-noi/ky-so-tu-xa/thong-bao",
        json={"transaction_id": "x", "status": "approved"},
        headers={"X-Signature": "sha256=00"},
        timeout=10,
    )
    assert answer.status_code == 401
