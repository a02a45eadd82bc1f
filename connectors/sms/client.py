"""Brandname SMS through a generic HTTP gateway, as Vietnamese carriers' resellers offer it.

POST {url} with JSON {to (84…), text, brandname, request_id}; authenticated by an API key header
(`X-Api-Key`) or, when `user` is set, HTTP Basic. The gateway answers {"code": "00",
"message_id": ...}; another code is a refusal. `request_id` is the outbox idempotency key, so a
message the worker sends twice after a crash is sent once by a gateway that deduplicates it.

Settings (provider `sms` on Quản trị › Kết nối, or MOTCUA_SMS_*; stored wins): url, api_key,
brandname, user, password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.contract import OperationFailed, OperationRefused
from connectors.phones import normalise_phone
from connectors.settings import ProviderSettings, Setting, declare

SANDBOX_URL = "http://127.0.0.1:5007/sms/send"
OK = "00"
API_KEY_HEADER = "X-Api-Key"

SETTINGS = declare(
    ProviderSettings(
        "sms",
        "Tin nhắn SMS (brandname)",
        (
            Setting("url", "Địa chỉ gửi tin của nhà mạng", "MOTCUA_SMS_URL", default=SANDBOX_URL),
            Setting("api_key", "Khóa API", "MOTCUA_SMS_API_KEY", secret=True),
            Setting("brandname", "Tên thương hiệu", "MOTCUA_SMS_BRANDNAME", default="MOTCUA"),
            Setting("user", "Tài khoản (nếu xác thực Basic)", "MOTCUA_SMS_USER"),
            Setting(
                "password", "Mật khẩu (nếu xác thực Basic)", "MOTCUA_SMS_PASSWORD", secret=True
            ),
        ),
        sandbox="python -m connectors.sms.sandbox --port 5007",
    )
)
SETTINGS_PROVIDER = SETTINGS.name


@dataclass(frozen=True)
class SmsSettings:
    url: str = SANDBOX_URL
    api_key: str = ""
    brandname: str = "MOTCUA"
    #: set: HTTP Basic with user/password instead of the API key header
    user: str = ""
    password: str = ""
    timeout: float = 10.0


def sms_settings(
    stored: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> SmsSettings:
    """The MOTCUA_SMS_* environment with the administrator's stored settings on top."""
    env = SETTINGS.environment(stored, environ)
    return SmsSettings(
        url=env.get("MOTCUA_SMS_URL") or SANDBOX_URL,
        api_key=env.get("MOTCUA_SMS_API_KEY", ""),
        brandname=env.get("MOTCUA_SMS_BRANDNAME") or SmsSettings.brandname,
        user=env.get("MOTCUA_SMS_USER", ""),
        password=env.get("MOTCUA_SMS_PASSWORD", ""),
    )


def send_sms(phone: str, text: str, request_id: str, settings: SmsSettings) -> dict:
    """Send one SMS; OperationFailed to retry (unreachable, 5xx, bad credentials)."""
    body = {
        "to": normalise_phone(phone),
        "text": text,
        "brandname": settings.brandname,
        "request_id": request_id,
    }
    headers, auth = {}, None
    if settings.user:
        auth = (settings.user, settings.password)
    else:
        headers[API_KEY_HEADER] = settings.api_key
    try:
        response = requests.post(
            settings.url, json=body, headers=headers, auth=auth, timeout=settings.timeout
        )
    except requests.RequestException as error:
        raise OperationFailed(f"SMS {settings.url}: {error}") from error
    if response.status_code >= 500 or response.status_code in (401, 403, 429):
        # credentials are the administrator's to fix; the message waits and is retried
        raise OperationFailed(f"SMS gateway HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as error:
        raise OperationFailed(f"SMS gateway HTTP {response.status_code}: not JSON") from error
    code = str(answer.get("code", ""))
    if code != OK:
        raise OperationRefused(
            f"sms_{code or 'unknown'}",
            f"Cổng SMS từ chối gửi tin: {answer.get('message') or 'không rõ lý do'} (mã {code}).",
        )
    return {
        "delivered": True,
        "channel": "sms",
        "to": body["to"],
        "message_id": answer.get("message_id"),
    }
