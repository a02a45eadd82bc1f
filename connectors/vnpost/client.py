"""VNPost over a REST contract modelled on its public-administration (BCCP/HCC) API.

    POST {base}/oauth/token {"client_id", "client_secret"}     -> {"access_token", "expires_in"}
    POST {base}/api/v1/quotes {"kind", "from_address", "to_address", "weight_grams"}
                                                               -> {"postage"}   (đồng)
    POST {base}/api/v1/orders  (Idempotency-Key: the outbox key)
         {"reference", "kind": "pickup" | "delivery", "sender": {"name", "phone", "address"},
          "receiver": {...}, "weight_grams", "description", "callback_url"}
                                                               -> 201 {"order_code", "postage"}
    POST {base}/api/v1/orders/{order_code}/cancel              -> {"status": "CANCELLED"}
    GET  {base}/api/v1/orders/{order_code}                     -> {"status", "attempts", "at"}
    callback POST {callback_url} {"order_code", "reference", "status", "attempts", "at"}
         X-VNPost-Signature: sha256=<HMAC-SHA256 of the raw body with the callback secret>

Order statuses: CREATED, ACCEPTED (the post office took the request), DELIVERED (handed over:
to the agency for a pick-up, to the citizen for a delivery), FAILED_ATTEMPT, RETURNED (back
to the sender after two failed attempts), CANCELLED. Every API call carries the bearer token.
Settings: Quản trị › Kết nối, provider `vnpost`, over MOTCUA_VNPOST_*.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.contract import OperationFailed, OperationRefused, json_answer
from connectors.settings import ProviderSettings, Setting, declare

DEFAULT_BASE_URL = "http://127.0.0.1:5009"
SANDBOX_CLIENT_ID = "motcua"
SANDBOX_CLIENT_SECRET = "vnpost-sandbox-secret"
SANDBOX_CALLBACK_SECRET = "vnpost-sandbox-callback"
SIGNATURE_HEADER = "X-VNPost-Signature"
STATUSES = ("CREATED", "ACCEPTED", "DELIVERED", "FAILED_ATTEMPT", "RETURNED", "CANCELLED")

SETTINGS = declare(
    ProviderSettings(
        "vnpost",
        "Bưu chính công ích (VNPost)",
        (
            Setting("base_url", "Địa chỉ API", "MOTCUA_VNPOST_BASE_URL", default=DEFAULT_BASE_URL),
            Setting("client_id", "Mã khách hàng", "MOTCUA_VNPOST_CLIENT_ID"),
            Setting("client_secret", "Khóa bí mật", "MOTCUA_VNPOST_CLIENT_SECRET", secret=True),
            Setting(
                "callback_secret",
                "Khóa kiểm tra thông báo trạng thái",
                "MOTCUA_VNPOST_CALLBACK_SECRET",
                secret=True,
            ),
            Setting("timeout", "Thời gian chờ (giây)", "MOTCUA_VNPOST_TIMEOUT", default="10"),
        ),
        sandbox="python -m connectors.vnpost.sandbox --port 5009",
    )
)
SETTINGS_PROVIDER = SETTINGS.name


@dataclass(frozen=True)
class VnpostSettings:
    base_url: str = DEFAULT_BASE_URL
    client_id: str = SANDBOX_CLIENT_ID
    client_secret: str = SANDBOX_CLIENT_SECRET
    callback_secret: str = SANDBOX_CALLBACK_SECRET
    timeout: float = 10.0

    @classmethod
    def read(cls, stored: Mapping[str, str] | None = None) -> VnpostSettings:
        given = SETTINGS.values_or_sandbox(
            stored,
            DEFAULT_BASE_URL,
            {
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
                "callback_secret": SANDBOX_CALLBACK_SECRET,
            },
        )
        try:
            timeout = float(given.get("timeout", 10))
        except ValueError as error:
            raise OperationFailed(f"vnpost settings: timeout {error}") from error
        return cls(
            base_url=given["base_url"],
            client_id=given.get("client_id", ""),
            client_secret=given.get("client_secret", ""),
            callback_secret=given.get("callback_secret", ""),
            timeout=timeout,
        )


def quote(
    kind: str, from_address: str, to_address: str, settings: VnpostSettings, weight: int = 500
) -> int:
    """The postage in đồng, shown to the citizen before they confirm."""
    body = _answer(
        _call(
            "POST",
            "/api/v1/quotes",
            settings,
            json={
                "kind": kind,
                "from_address": from_address,
                "to_address": to_address,
                "weight_grams": weight,
            },
        ),
        "vnpost quote",
    )
    return int(body["postage"])


def create_order(payload: dict, idempotency_key: str, settings: Mapping[str, str]) -> dict:
    """The operation: the order at the post office; a repeat with the same key gets the same."""
    answer = _call(
        "POST",
        "/api/v1/orders",
        VnpostSettings.read(settings),
        json={key: payload[key] for key in ORDER_FIELDS if key in payload},
        headers={"Idempotency-Key": idempotency_key},
    )
    body = _answer(answer, "vnpost order")
    return {"order_code": body["order_code"], "postage": int(body.get("postage", 0))}


ORDER_FIELDS = (
    "reference",
    "kind",
    "sender",
    "receiver",
    "weight_grams",
    "description",
    "callback_url",
)


def order_status(order_code: str, settings: VnpostSettings) -> dict:
    """{"status", "attempts", "at"} as the post office has it now (the tracking poll)."""
    return _answer(_call("GET", f"/api/v1/orders/{order_code}", settings), "vnpost tracking")


def cancel_order(payload: dict, idempotency_key: str, settings: Mapping[str, str]) -> dict:
    """The operation: cancel an order the dossier no longer needs. An order the post office
    already handed over (409) cannot be cancelled: that is a refusal, shown as an incident."""
    code = payload["order_code"]
    body = _answer(
        _call("POST", f"/api/v1/orders/{code}/cancel", VnpostSettings.read(settings)),
        "vnpost cancel",
    )
    return {"order_code": code, "status": body.get("status", "CANCELLED")}


def callback_is_genuine(body: bytes, header: str | None, settings: VnpostSettings) -> bool:
    expected = (
        "sha256=" + hmac.new(settings.callback_secret.encode(), body, hashlib.sha256).hexdigest()
    )
    return bool(settings.callback_secret) and hmac.compare_digest(expected, header or "")


def _token(settings: VnpostSettings) -> str:
    try:
        answer = requests.post(
            f"{settings.base_url}/oauth/token",
            json={"client_id": settings.client_id, "client_secret": settings.client_secret},
            timeout=settings.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"vnpost: {error}") from error
    return _answer(answer, "vnpost token")["access_token"]


def _call(method: str, path: str, settings: VnpostSettings, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {_token(settings)}", **kwargs.pop("headers", {})}
    try:
        return requests.request(
            method, settings.base_url + path, headers=headers, timeout=settings.timeout, **kwargs
        )
    except requests.RequestException as error:
        raise OperationFailed(f"vnpost: {error}") from error


def _answer(answer: requests.Response, what: str) -> dict:
    body = json_answer(answer, what)
    if answer.status_code >= 400:
        raise OperationRefused(f"VNPOST_{answer.status_code}", str(body.get("message", body))[:300])
    return body
