"""Portal test helpers: signed-in browsers, a second citizen, files that are (or pretend to be)
PDFs, and dossiers carried to a given point through the service layer.
"""

from __future__ import annotations

from io import BytesIO

import pytest

from engine.db import transaction
from engine.outbox.dispatch import perform_due
from engine.users.models import User
from engine.users.passwords import hash_password
from tests.conftest import Browser
from tests.factories import KHAI_SINH, birth_application, complete, open_task, submit

SUBMIT_PATH = f"/thu-tuc/{KHAI_SINH}/nop-ho-so"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def pdf(name: str = "giay-chung-sinh.pdf", content: bytes = PDF) -> tuple[BytesIO, str]:
    return BytesIO(content), name


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    response = browser.login(username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def submit_over_http(browser: Browser, **overrides) -> str:
    """Submit a complete birth registration as the signed-in citizen; returns the dossier code."""
    data = {**birth_application(), "doc_giay_chung_sinh": pdf(), "action": "submit", **overrides}
    response = browser.submit(SUBMIT_PATH, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("/ho-so/")[1].split("/")[0]


@pytest.fixture
def other_citizen(demo, session_factory) -> str:
    """A second citizen, to prove scope: they never reach the first one's things."""
    with session_factory() as session, transaction(session):
        session.add(
            User(
                username="congdan2",
                full_name="Trần Văn Bảo",
                kind="citizen",
                id_number="079090005678",
                phone="0987654321",
                password_hash=hash_password("motcua2026"),
            )
        )
    return "congdan2"


def carry_to_returned(demo, session_factory, dossier_id: int) -> None:
    """One-stop accepts, processing proposes, the leader approves (the worker signs the PDF
    results), the one-stop returns."""
    steps = [
        ("motcua", "reception", {"decision": "accept"}),
        ("thuly", "processing", {"verification_note": "Hợp lệ.", "proposal": "propose_approve"}),
        ("lanhdao", "leader", {"approval_decision": "approve"}),
        ("motcua", "reception", {"return_channel": "counter", "returned_to": "Nguyễn Văn An"}),
    ]
    for username, role, data in steps:
        if data.get("return_channel"):
            # the approval asked the worker to sign the PDF results; only signed ones go back
            perform_due(session_factory)
        task = open_task(session_factory, dossier_id, role)
        complete(session_factory, demo.actor(username), task.id, data)


def dossier_id_of(session_factory, code: str) -> int:
    from engine.dossiers.models import Dossier

    with session_factory() as session:
        return session.query(Dossier).filter_by(code=code).one().id


__all__ = ["submit"]
