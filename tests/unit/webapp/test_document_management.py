"""The approved result goes to the agency's document-management system for its number and
signature and comes back as a waiting task's result, over real HTTP: the worker submits, the
system fetches the file from the portal, numbers it and calls back; the dossier moves on."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from connectors.document_management.client import body_signature, file_link_token
from connectors.document_management.sandbox import DocumentManagementSandbox
from engine.document_issues.models import DocumentIssue
from engine.document_issues.polling import poll_document_issues
from engine.dossiers.models import DossierDocument, DossierEvent
from engine.files.models import StoredFile
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, PENDING, WAITING, OutboxMessage
from engine.tasks.models import OPEN, Task
from engine.timestamps import utcnow
from engine.workflow.serialization import SPEC_CACHE
from tests.document_management import publish_numbered_birth_registration
from tests.results import approved_with_result, page_text
from tests.signing import result_pdf

OPERATION = "qlvb/issue-document"


@pytest.fixture
def qlvb(demo, session_factory, live_server, monkeypatch, tmp_path):
    """The system's sandbox, the connector and the portal's links pointed at each other, and
    khai sinh published with the numbering step."""
    sandbox = DocumentManagementSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", live_server)
    monkeypatch.setenv("MOTCUA_FILES_DIR", str(tmp_path / "files"))
    publish_numbered_birth_registration(session_factory, tmp_path)
    yield sandbox
    sandbox.stop()
    SPEC_CACHE._entries.clear()


def open_tasks(session_factory, dossier_id: int) -> list[str]:
    with session_factory() as session:
        return sorted(
            session.scalars(
                select(Task.role).where(Task.dossier_id == dossier_id, Task.state == OPEN)
            )
        )


def issue_row(session_factory, dossier_id: int) -> OutboxMessage:
    with session_factory() as session:
        return session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.dossier_id == dossier_id, OutboxMessage.operation == OPERATION
            )
        ).one()


def counts(session_factory, dossier_id: int) -> tuple[int, int, int]:
    with session_factory() as session:
        return (
            session.scalar(select(func.count()).where(DossierEvent.dossier_id == dossier_id)),
            session.scalar(select(func.count()).select_from(StoredFile)),
            session.scalar(select(func.count()).select_from(OutboxMessage)),
        )


def test_the_system_numbers_the_approved_result_and_the_dossier_moves_on_to_its_return(
    browser, demo, session_factory, qlvb
):
    original = result_pdf()
    dossier_id, code = approved_with_result(
        browser, demo, session_factory, original, "Giấy khai sinh"
    )
    assert open_tasks(session_factory, dossier_id) == [], "waiting for the system, not a person"
    browser.login("motcua")
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Đã gửi hệ thống quản lý văn bản, chờ cấp số" in page

    perform_due(session_factory)
    assert issue_row(session_factory, dossier_id).status == WAITING
    [submission] = qlvb.submissions
    payload = submission["payload"]
    assert payload["title"] == "Giấy khai sinh"
    assert payload["agency_name"] == "UBND phường Phú Cường"
    [sent] = payload["documents"]
    assert sent["filename"] == "khai-sinh.pdf"
    assert sent["sha256"] == hashlib.sha256(original).hexdigest()
    assert submission["fetched"][0]["content"] == original, "fetched over HTTP from the portal"
    assert "Đã gửi hệ thống quản lý văn bản, chờ cấp số" in page_text(
        browser.client.get(f"/can-bo/ho-so/{code}")
    )

    qlvb.issue(submission["id"], "15/GCN-UBND", date(2026, 12, 7))
    delivered = qlvb.deliver(submission["id"])
    assert delivered.status_code == 200
    assert open_tasks(session_factory, dossier_id) == ["reception"], "the return task is open"
    assert issue_row(session_factory, dossier_id).status == DONE
    page = page_text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Văn bản số 15/GCN-UBND ngày 07/12/2026" in page
    assert "chờ cấp số" not in page
    assert "khai-sinh-da-cap-so.pdf" in page

    with session_factory() as session:
        document = session.scalars(
            select(DossierDocument).where(DossierDocument.purpose == "result")
        ).one()
        issue = session.scalars(select(DocumentIssue)).one()
        [replaced] = issue.files
        issued_id, original_id = document.stored_file_id, replaced["original_file_id"]
        assert replaced["issued_file_id"] == issued_id and original_id != issued_id
    issued = browser.client.get(f"/can-bo/ho-so/{code}/tep/{issued_id}?tai-ve=1").data
    assert issued.startswith(original) and b"15/GCN-UBND" in issued, "the numbered copy"
    kept = browser.client.get(f"/can-bo/ho-so/{code}/tep/{original_id}?tai-ve=1")
    assert kept.status_code == 200 and kept.data == original, "the original stays reachable"

    before = counts(session_factory, dossier_id)
    again = qlvb.deliver(submission["id"])
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert counts(session_factory, dossier_id) == before, "a duplicate changes nothing"
    assert open_tasks(session_factory, dossier_id) == ["reception"]

    forged = qlvb.deliver(submission["id"], secret="not-the-shared-secret")
    assert forged.status_code == 401
    assert counts(session_factory, dossier_id) == before


def test_a_callback_with_a_bad_signature_changes_nothing(browser, demo, session_factory, qlvb):
    dossier_id, _ = approved_with_result(browser, demo, session_factory, result_pdf())
    perform_due(session_factory)
    [submission] = qlvb.submissions
    qlvb.issue(submission["id"], "16/GCN-UBND", date(2026, 12, 7))
    before = counts(session_factory, dossier_id)

    assert qlvb.deliver(submission["id"], secret="guessed").status_code == 401
    unsigned = requests.post(submission["payload"]["callback_url"], json={}, timeout=10)
    assert unsigned.status_code == 401
    assert counts(session_factory, dossier_id) == before
    assert issue_row(session_factory, dossier_id).status == WAITING
    assert open_tasks(session_factory, dossier_id) == []

    stranger = json.dumps({**submission["issued"], "reference": "not-ours"}).encode()
    unknown = requests.post(
        submission["payload"]["callback_url"],
        data=stranger,
        headers={"X-QLVB-Signature": body_signature(qlvb.shared_secret, stranger)},
        timeout=10,
    )
    assert unknown.status_code == 404
    assert counts(session_factory, dossier_id) == before


def test_file_links_serve_only_result_files_with_a_valid_hmac(browser, demo, session_factory, qlvb):
    original = result_pdf()
    dossier_id, _ = approved_with_result(browser, demo, session_factory, original, "Giấy khai sinh")
    [document] = issue_row(session_factory, dossier_id).payload["documents"]
    url = document["url"]

    good = requests.get(url, timeout=10)
    assert good.status_code == 200 and good.content == original
    assert good.headers["X-Content-Type-Options"] == "nosniff"
    assert good.headers["Cache-Control"] == "private, no-store"
    assert good.headers["Content-Disposition"].startswith("attachment")

    assert requests.get(url[:-4] + "0000", timeout=10).status_code == 404, "a wrong HMAC"
    prefix, _file_id, token = url.rsplit("/", 2)
    with session_factory() as session:
        other = StoredFile(
            storage_key=document["sha256"],
            sha256=document["sha256"],
            size=1,
            content_type="application/pdf",
            original_name="giay-to-khac.pdf",
        )
        session.add(other)
        session.commit()
        other_id = other.id
    signed_other = f"{prefix}/{other_id}/{file_link_token(qlvb.shared_secret, other_id)}"
    assert requests.get(signed_other, timeout=10).status_code == 404, "not a result file"
    assert requests.get(f"{prefix}/{other_id}/{token}", timeout=10).status_code == 404


def test_while_the_system_is_down_nothing_is_lost_and_the_poll_completes_a_lost_callback(
    browser, demo, session_factory, qlvb
):
    dossier_id, code = approved_with_result(browser, demo, session_factory, result_pdf())
    qlvb.set_down()
    perform_due(session_factory)
    row = issue_row(session_factory, dossier_id)
    assert row.status == PENDING and row.attempts == 1
    assert "503" in row.last_error
    assert qlvb.submissions == []

    qlvb.set_down(False)
    with session_factory() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    perform_due(session_factory)
    assert issue_row(session_factory, dossier_id).status == WAITING
    [submission] = qlvb.submissions
    keys = {request["idempotency_key"] for request in qlvb.requests}
    assert keys == {row.idempotency_key}, "the retry carries the same key"

    assert poll_document_issues(session_factory, quiet=timedelta(0)) == 1
    assert open_tasks(session_factory, dossier_id) == [], "not issued yet: still waiting"
    qlvb.issue(submission["id"], "17/GCN-UBND", date(2026, 12, 8))
    with session_factory() as session:
        session.execute(update(DocumentIssue).values(checked_at=None))
        session.commit()
    poll_document_issues(session_factory, quiet=timedelta(0))
    assert open_tasks(session_factory, dossier_id) == ["reception"]
    browser.login("motcua")
    assert "Văn bản số 17/GCN-UBND ngày 08/12/2026" in page_text(
        browser.client.get(f"/can-bo/ho-so/{code}")
    )
    late = qlvb.deliver(submission["id"])
    assert late.status_code == 200 and late.json()["duplicate"] is True


def test_callbacks_out_of_order_each_complete_their_own_dossier(
    browser, demo, session_factory, qlvb
):
    first, first_code = approved_with_result(browser, demo, session_factory, result_pdf("A"))
    second, second_code = approved_with_result(browser, demo, session_factory, result_pdf("B"))
    perform_due(session_factory)
    by_reference = {s["reference"]: s["id"] for s in qlvb.submissions}
    first_id = by_reference[issue_row(session_factory, first).idempotency_key]
    second_id = by_reference[issue_row(session_factory, second).idempotency_key]
    qlvb.issue(first_id, "18/GCN-UBND", date(2026, 12, 8))
    qlvb.issue(second_id, "19/GCN-UBND", date(2026, 12, 9))

    assert qlvb.deliver(second_id).status_code == 200
    assert open_tasks(session_factory, first) == []
    assert open_tasks(session_factory, second) == ["reception"]
    assert qlvb.deliver(first_id).status_code == 200
    assert open_tasks(session_factory, first) == ["reception"]
    browser.login("motcua")
    assert "Văn bản số 18/GCN-UBND" in page_text(browser.client.get(f"/can-bo/ho-so/{first_code}"))
    assert "Văn bản số 19/GCN-UBND" in page_text(browser.client.get(f"/can-bo/ho-so/{second_code}"))
