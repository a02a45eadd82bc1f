"""The QLVB connector over real HTTP to the sandbox system: submission, refusals and outages,
the status answer and the callback's signature."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date

import pytest
from flask import Flask

from connectors.contract import CALLBACK, OperationFailed, OperationRefused
from connectors.document_management.client import (
    OPERATION,
    InvalidSignature,
    MalformedCallback,
    body_signature,
    document_status,
    file_link_token,
    read_callback,
    submit_documents,
    valid_file_link,
)
from connectors.document_management.sandbox import DocumentManagementSandbox
from connectors.registry import find_operation
from connectors.sandbox_server import SandboxServer

CONTENT = b"%PDF-1.4 giay khai sinh"


@pytest.fixture
def portal():
    """Where the system fetches the document from."""
    app = Flask(__name__)
    app.add_url_rule("/tep/1", "file", lambda: CONTENT)
    server = SandboxServer(app).start()
    yield server.base_url
    server.stop()


@pytest.fixture
def system():
    sandbox = DocumentManagementSandbox().start()
    yield sandbox
    sandbox.stop()


def payload(portal: str, sha256: str | None = None) -> dict:
    return {
        "title": "Giấy khai sinh",
        "agency_code": "000.00.01.H57",
        "agency_name": "UBND phường Phú Cường",
        "callback_url": "http://127.0.0.1:9/ket-noi/qlvb/callback",
        "documents": [
            {
                "document_id": 7,
                "name": "Giấy khai sinh",
                "filename": "khai-sinh.pdf",
                "sha256": sha256 or hashlib.sha256(CONTENT).hexdigest(),
                "url": f"{portal}/tep/1",
            }
        ],
    }


def test_the_operation_waits_for_the_systems_callback():
    operation = find_operation(OPERATION)
    assert operation.waits_for_result and operation.completion == CALLBACK
    assert operation.settings_provider == "qlvb" and operation.parameters == ("title",)


def test_a_submission_is_fetched_and_a_repeat_returns_the_first(system, portal):
    first = submit_documents(payload(portal), "1:task:qlvb", system.settings)
    again = submit_documents(payload(portal), "1:task:qlvb", system.settings)
    assert first == again == {"id": "QLVB-00001", "state": "submitted"}
    [submission] = system.submissions
    assert submission["reference"] == "1:task:qlvb"
    assert submission["fetched"][0]["content"] == CONTENT
    assert document_status("QLVB-00001", system.settings) is None, "not numbered yet"

    system.issue("QLVB-00001", "15/GCN-UBND", date(2026, 12, 7))
    issued = document_status("QLVB-00001", system.settings)
    assert (issued.number, issued.issued_on, issued.reference) == (
        "15/GCN-UBND",
        date(2026, 12, 7),
        "1:task:qlvb",
    )
    [returned] = issued.files
    assert returned.document_id == 7 and returned.filename == "khai-sinh-da-cap-so.pdf"
    assert returned.content.startswith(CONTENT)


def test_refusals_and_outages(system, portal):
    with pytest.raises(OperationRefused) as refused:
        submit_documents(payload(portal, sha256="0" * 64), "k1", system.settings)
    assert refused.value.code == "checksum_mismatch"
    with pytest.raises(OperationRefused) as unauthorised:
        submit_documents(payload(portal), "k2", {**system.settings, "api_key": "wrong"})
    assert unauthorised.value.code == "unauthorized"
    system.set_down()
    with pytest.raises(OperationFailed, match="503"):
        submit_documents(payload(portal), "k3", system.settings)
    system.set_down(False)
    with pytest.raises(OperationFailed):
        submit_documents(payload(portal), "k4", {"base_url": "http://127.0.0.1:9"})


def test_a_callback_is_believed_only_with_the_shared_secrets_signature():
    body = json.dumps(
        {
            "reference": "k",
            "id": "QLVB-1",
            "number": "15/GCN-UBND",
            "issued_on": "2026-12-07",
            "documents": [
                {
                    "document_id": 7,
                    "filename": "a.pdf",
                    "content_base64": base64.b64encode(CONTENT).decode(),
                }
            ],
        }
    ).encode()
    settings = {"shared_secret": "s3cret"}
    header = {"X-QLVB-Signature": body_signature("s3cret", body)}
    assert read_callback(body, header, settings).files[0].content == CONTENT
    with pytest.raises(InvalidSignature):
        read_callback(body + b" ", header, settings)
    with pytest.raises(InvalidSignature):
        read_callback(body, {"X-QLVB-Signature": body_signature("other", body)}, settings)
    broken = b'{"reference": "k"}'
    with pytest.raises(MalformedCallback):
        read_callback(broken, {"X-QLVB-Signature": body_signature("s3cret", broken)}, settings)


def test_file_links():
    token = file_link_token("s3cret", 12)
    assert valid_file_link("s3cret", 12, token)
    assert not valid_file_link("s3cret", 13, token)
    assert not valid_file_link("other", 12, token)
