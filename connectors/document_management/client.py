"""Sending result documents to the agency's document-management system (QLVB) and reading what
it sends back, over one generic REST contract that each product's adapter speaks:

    POST {base_url}/api/v1/documents
    Authorization: Bearer <api key>
    Idempotency-Key: <the outbox key>          (a repeat returns the first submission)
    {"reference", "title", "agency_code", "agency_name", "callback_url",
     "documents": [{"document_id", "name", "filename", "sha256", "url"}]}
    -> 202 {"id"}

The system fetches each document from its `url` (a link signed with the shared secret, served by
the portal), numbers and signs it, then POSTs to `callback_url`:

    X-QLVB-Signature: sha256=<HMAC-SHA256 of the raw body with the shared secret>
    {"reference", "id", "number", "issued_on": "YYYY-MM-DD",
     "documents": [{"document_id", "filename", "content_base64"}]}

    GET {base_url}/api/v1/documents/<id>   -> {"id", "state": "pending" | "issued", ...callback}

Settings come from Quản trị › Kết nối (provider `qlvb`) over the MOTCUA_QLVB_* environment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import requests

from connectors.contract import OperationFailed, OperationRefused, json_answer
from connectors.settings import ProviderSettings, Setting, declare

OPERATION = "qlvb/issue-document"
SIGNATURE_HEADER = "X-QLVB-Signature"
#: the sandbox (connectors/document_management/sandbox.py) of `make run`
DEFAULT_BASE_URL = "http://127.0.0.1:5011"
SANDBOX_API_KEY = "motcua-qlvb-sandbox-key"
SANDBOX_SHARED_SECRET = "motcua-qlvb-sandbox-secret"

SETTINGS = declare(
    ProviderSettings(
        "qlvb",
        "Hệ thống quản lý văn bản",
        (
            Setting("base_url", "Địa chỉ API", "MOTCUA_QLVB_BASE_URL", default=DEFAULT_BASE_URL),
            Setting(
                "api_key",
                "Khóa API (Bearer)",
                "MOTCUA_QLVB_API_KEY",
                secret=True,
                default=SANDBOX_API_KEY,
            ),
            Setting(
                "shared_secret",
                "Khóa bí mật chung (ký liên kết tệp và xác thực thông báo kết quả)",
                "MOTCUA_QLVB_SHARED_SECRET",
                secret=True,
                default=SANDBOX_SHARED_SECRET,
            ),
            Setting("timeout", "Thời gian chờ (giây)", "MOTCUA_QLVB_TIMEOUT", default="10"),
        ),
        sandbox="python -m connectors.document_management.sandbox --port 5011",
    )
)
SETTINGS_PROVIDER = SETTINGS.name


class InvalidSignature(Exception):
    """A callback not signed with the shared secret: nothing in it may be believed."""


class MalformedCallback(Exception):
    """A signed callback that does not follow the contract."""


@dataclass(frozen=True)
class DocumentManagementSettings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str = SANDBOX_API_KEY
    shared_secret: str = SANDBOX_SHARED_SECRET
    timeout: float = 10.0

    @classmethod
    def read(cls, stored: Mapping[str, str] | None) -> DocumentManagementSettings:
        """The stored settings over the environment over the sandbox's defaults."""
        given = SETTINGS.values(stored)
        try:
            timeout = float(given.get("timeout") or cls.timeout)
        except ValueError as error:
            raise OperationFailed(f"QLVB settings: timeout {error}") from error
        return cls(
            base_url=(given.get("base_url") or DEFAULT_BASE_URL).rstrip("/"),
            api_key=given.get("api_key") or SANDBOX_API_KEY,
            shared_secret=given.get("shared_secret") or SANDBOX_SHARED_SECRET,
            timeout=timeout,
        )


@dataclass(frozen=True)
class ReturnedFile:
    document_id: int
    filename: str
    content: bytes


@dataclass(frozen=True)
class IssuedDocument:
    """What the system says it issued: the number and date, and the numbered, signed files."""

    reference: str
    provider_id: str
    number: str
    issued_on: date
    files: tuple[ReturnedFile, ...]


def file_link_token(shared_secret: str, file_id: int) -> str:
    """The HMAC in a document's pull URL: only the system holding the secret can forge one."""
    return hmac.new(shared_secret.encode(), str(file_id).encode(), hashlib.sha256).hexdigest()


def valid_file_link(shared_secret: str, file_id: int, token: str) -> bool:
    return hmac.compare_digest(file_link_token(shared_secret, file_id), token)


def body_signature(shared_secret: str, body: bytes) -> str:
    """The value of X-QLVB-Signature for a callback body."""
    digest = hmac.new(shared_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def submit_documents(
    payload: dict, idempotency_key: str, settings: Mapping[str, str] | None = None
) -> dict:
    """The operation: hand the result documents to the system; {"id", "state": "submitted"}.

    The outbox key travels as Idempotency-Key and as `reference`, so a retry after a lost answer
    finds the first submission. 5xx, 429 and timeouts are retried (OperationFailed); any other
    4xx is the system saying no (OperationRefused).
    """
    config = DocumentManagementSettings.read(settings)
    body = {"reference": idempotency_key, **payload}
    try:
        response = requests.post(
            f"{config.base_url}/api/v1/documents",
            json=body,
            headers=_headers(config, idempotency_key),
            timeout=config.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"QLVB unreachable: {error}") from error
    if response.status_code == 408:
        raise OperationFailed("QLVB answered 408")
    answer = json_answer(response, "QLVB submission")
    if response.status_code >= 400:
        raise OperationRefused(
            str(answer.get("error") or f"qlvb_{response.status_code}"),
            str(answer.get("message") or response.text[:500]),
        )
    if not answer.get("id"):
        raise OperationFailed("QLVB answer lacks the submission id")
    return {"id": str(answer["id"]), "state": "submitted"}


def document_status(
    provider_id: str, settings: Mapping[str, str] | None = None
) -> IssuedDocument | None:
    """Ask about one submission: what was issued, or None while it waits for its number."""
    config = DocumentManagementSettings.read(settings)
    try:
        response = requests.get(
            f"{config.base_url}/api/v1/documents/{provider_id}",
            headers=_headers(config),
            timeout=config.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"QLVB unreachable: {error}") from error
    answer = json_answer(response, "QLVB status")
    if response.status_code >= 400:
        raise OperationFailed(f"QLVB status: HTTP {response.status_code}")
    if answer.get("state") != "issued":
        return None
    return issued_document(answer)


def read_callback(
    body: bytes, headers: Mapping[str, str], settings: Mapping[str, str] | None = None
) -> IssuedDocument:
    """The callback's content, once its signature proves the system sent it."""
    config = DocumentManagementSettings.read(settings)
    given = headers.get(SIGNATURE_HEADER) or ""
    if not hmac.compare_digest(body_signature(config.shared_secret, body), given):
        raise InvalidSignature("QLVB callback signature does not match")
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise MalformedCallback("not JSON") from error
    return issued_document(answer)


def issued_document(answer: object) -> IssuedDocument:
    """The contract's issued-document object, checked field by field."""
    try:
        files = tuple(
            ReturnedFile(
                document_id=int(item["document_id"]),
                filename=str(item["filename"])[:255],
                content=base64.b64decode(item["content_base64"], validate=True),
            )
            for item in answer["documents"]
        )
        return IssuedDocument(
            reference=str(answer["reference"]),
            provider_id=str(answer["id"]),
            number=str(answer["number"]).strip()[:100],
            issued_on=date.fromisoformat(str(answer["issued_on"])),
            files=files,
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise MalformedCallback(f"QLVB document: {error}") from error


def _headers(config: DocumentManagementSettings, idempotency_key: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {config.api_key}", "Accept": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers
