"""A remote-signing provider over a REST contract modelled on the Vietnamese services.

    GET  {base_url}/v1/credentials/{user_id}          -> {"certificate": base64 DER}
    POST {base_url}/v1/signatures                     (Idempotency-Key: the outbox key)
         {"user_id", "hash": base64 SHA-256, "hash_algorithm": "SHA256", "description",
          "callback_url"}                             -> 202 {"transaction_id", "status"}
    GET  {base_url}/v1/signatures/{transaction_id}    -> {"status": pending | approved |
                                                          rejected | expired, "signature"}
    callback POST {callback_url} {"transaction_id", "status"}
         X-Signature: sha256=<HMAC-SHA256 of the raw body with the callback secret>

Every call carries `Authorization: Bearer <api_key>`. The signature is RSA PKCS#1 v1.5 over the
hash. Settings: Quản trị › Kết nối, provider `remote_signing`, over MOTCUA_REMOTE_SIGNING_*.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.contract import OperationFailed, OperationRefused, json_answer
from connectors.settings import ProviderSettings, Setting, declare

DEFAULT_BASE_URL = "http://127.0.0.1:5012"
SANDBOX_API_KEY = "remote-signing-sandbox-key"
SANDBOX_CALLBACK_SECRET = "remote-signing-sandbox-secret"
SIGNATURE_HEADER = "X-Signature"

NO_ACCOUNT = "REMOTE_SIGNING_NO_ACCOUNT"
REJECTED = "REMOTE_SIGNING_REJECTED"

SETTINGS = declare(
    ProviderSettings(
        "remote_signing",
        "Ký số từ xa (người ký xác nhận trên điện thoại)",
        (
            Setting(
                "base_url",
                "Địa chỉ API",
                "MOTCUA_REMOTE_SIGNING_BASE_URL",
                default=DEFAULT_BASE_URL,
            ),
            Setting("api_key", "Khóa API", "MOTCUA_REMOTE_SIGNING_API_KEY", secret=True),
            Setting(
                "callback_secret",
                "Khóa kiểm tra thông báo kết quả",
                "MOTCUA_REMOTE_SIGNING_CALLBACK_SECRET",
                secret=True,
            ),
            Setting(
                "timeout", "Thời gian chờ (giây)", "MOTCUA_REMOTE_SIGNING_TIMEOUT", default="10"
            ),
        ),
        sandbox="python -m connectors.remote_signing.sandbox --port 5012",
    )
)
SETTINGS_PROVIDER = SETTINGS.name


@dataclass(frozen=True)
class RemoteSigningSettings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str = SANDBOX_API_KEY
    callback_secret: str = SANDBOX_CALLBACK_SECRET
    timeout: float = 10.0

    @classmethod
    def read(cls, stored: Mapping[str, str] | None = None) -> RemoteSigningSettings:
        given = SETTINGS.values_or_sandbox(
            stored,
            DEFAULT_BASE_URL,
            {"api_key": SANDBOX_API_KEY, "callback_secret": SANDBOX_CALLBACK_SECRET},
        )
        try:
            timeout = float(given.get("timeout", 10))
        except ValueError as error:
            raise OperationFailed(f"remote signing settings: timeout {error}") from error
        return cls(
            base_url=given["base_url"],
            api_key=given.get("api_key", ""),
            callback_secret=given.get("callback_secret", ""),
            timeout=timeout,
        )


def signer_certificate(user_id: str, settings: RemoteSigningSettings) -> bytes:
    """The signer's certificate (DER), to prepare the document before asking them."""
    answer = _call("GET", f"/v1/credentials/{user_id}", settings)
    if answer.status_code == 404:
        raise OperationRefused(NO_ACCOUNT, "Người ký chưa có tài khoản ký số từ xa.")
    body = _json(answer, "remote signing credential")
    return base64.b64decode(body["certificate"])


def request_signature(
    user_id: str,
    digest: bytes,
    *,
    description: str,
    callback_url: str,
    idempotency_key: str,
    settings: RemoteSigningSettings,
) -> str:
    """Ask the signer to approve; the provider's transaction id."""
    answer = _call(
        "POST",
        "/v1/signatures",
        settings,
        json={
            "user_id": user_id,
            "hash": base64.b64encode(digest).decode(),
            "hash_algorithm": "SHA256",
            "description": description[:255],
            "callback_url": callback_url,
        },
        headers={"Idempotency-Key": idempotency_key},
    )
    body = _json(answer, "remote signing request")
    return str(body["transaction_id"])


def signature_answer(transaction_id: str, settings: RemoteSigningSettings) -> bytes:
    """The signature value once approved; OperationFailed while the signer has not answered,
    OperationRefused when they refused or the request expired."""
    body = _json(_call("GET", f"/v1/signatures/{transaction_id}", settings), "remote signature")
    status = body.get("status")
    if status == "approved" and body.get("signature"):
        return base64.b64decode(body["signature"])
    if status in ("rejected", "expired"):
        raise OperationRefused(
            REJECTED,
            "Người ký đã từ chối ký." if status == "rejected" else "Yêu cầu ký đã hết hạn.",
        )
    raise OperationFailed(f"remote signature {transaction_id}: still {status}")


def callback_is_genuine(body: bytes, header: str | None, settings: RemoteSigningSettings) -> bool:
    expected = (
        "sha256=" + hmac.new(settings.callback_secret.encode(), body, hashlib.sha256).hexdigest()
    )
    return bool(settings.callback_secret) and hmac.compare_digest(expected, header or "")


def _call(method: str, path: str, settings: RemoteSigningSettings, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {settings.api_key}", **kwargs.pop("headers", {})}
    try:
        return requests.request(
            method, settings.base_url + path, headers=headers, timeout=settings.timeout, **kwargs
        )
    except requests.RequestException as error:
        raise OperationFailed(f"remote signing: {error}") from error


def _json(answer: requests.Response, what: str) -> dict:
    body = json_answer(answer, what)
    if answer.status_code >= 400:
        raise OperationRefused(
            f"REMOTE_SIGNING_{answer.status_code}", str(body.get("message", body))[:300]
        )
    return body
