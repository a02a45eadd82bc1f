"""Zalo ZNS template messages (Zalo Notification Service) sent as the agency's Official Account.

Two endpoints, both with the paths, fields and error codes of Zalo's own:
- {api_base}/message/template, header `access_token`, JSON {phone, template_id, template_data,
  tracking_id}; answers {"error": 0, "message": "Success", "data": {"msg_id": ...}} or a negative
  `error` (-124: the access token is invalid or expired);
- {oauth_base}/v4/oa/access_token (OAuth v4), header `secret_key`, form app_id,
  grant_type=refresh_token, refresh_token; answers {access_token, refresh_token, expires_in}.
  The refresh token rotates: each one works once, so the answer goes to the `TokenStore`.

Settings (provider `zalo` on Quản trị › Kết nối, or MOTCUA_ZALO_* variables; stored wins):
app_id, secret_key (the app's, for OAuth), api_base, oauth_base, refresh_token (the first one,
from authorising the OA), oa_secret_key (the OA's, which signs the webhook's events; see
webhooks.py). While api_base is the local sandbox's, every credential left empty takes the
sandbox's value, so `make run` works with nothing configured; pointed at Zalo, none is guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import requests

from connectors.contract import OperationFailed, OperationRefused, json_answer
from connectors.phones import normalise_phone
from connectors.settings import ProviderSettings, Setting, declare
from connectors.zalo.tokens import Tokens, TokenStore

SANDBOX_BASE = "http://127.0.0.1:5006"
#: the sandbox's credentials (connectors/zalo/sandbox.py accepts these)
SANDBOX_APP_ID = "motcua-zalo"
SANDBOX_SECRET_KEY = "motcua-zalo-secret"
SANDBOX_OA_SECRET_KEY = "motcua-zalo-oa-secret"
SANDBOX_REFRESH_TOKEN = "motcua-zalo-refresh-0"
#: the template id the sandbox OA has "registered" for dossier notices
SANDBOX_ZNS_TEMPLATE_ID = "250001"
#: ZNS: access token invalid or expired; refresh once and send again
ACCESS_TOKEN_INVALID = -124
#: the OA API (v3.0/oa/...) says the same with its own code (unverified: read in third-party
#: integrations, not in Zalo's reference); either one refreshes once
OA_ACCESS_TOKEN_INVALID = -216
ACCESS_TOKEN_ERRORS = {ACCESS_TOKEN_INVALID, OA_ACCESS_TOKEN_INVALID}
#: ZNS codes worth retrying later (unknown error, rate limit); every other negative one is final
TEMPORARY_ERRORS = {-100: "unknown error", -144: "OA has exceeded the daily quota"}
#: Zalo caps tracking_id at 48 characters
TRACKING_ID_MAX = 48
#: refresh a little before the stored expiry, so a token does not die in flight
EXPIRY_MARGIN = timedelta(seconds=30)

SETTINGS = declare(
    ProviderSettings(
        "zalo",
        "Zalo OA (ZNS và tra cứu qua Zalo)",
        (
            Setting("app_id", "Mã ứng dụng (app_id)", "MOTCUA_ZALO_APP_ID", default=SANDBOX_APP_ID),
            Setting(
                "secret_key",
                "Khóa bí mật của ứng dụng",
                "MOTCUA_ZALO_SECRET_KEY",
                secret=True,
                default=SANDBOX_SECRET_KEY,
            ),
            Setting(
                "oa_secret_key",
                "Khóa bí mật của OA (kiểm tra chữ ký webhook)",
                "MOTCUA_ZALO_OA_SECRET_KEY",
                secret=True,
                default=SANDBOX_OA_SECRET_KEY,
            ),
            Setting("api_base", "Địa chỉ API", "MOTCUA_ZALO_API_BASE", default=SANDBOX_BASE),
            Setting("oauth_base", "Địa chỉ OAuth", "MOTCUA_ZALO_OAUTH_BASE", default=SANDBOX_BASE),
            Setting(
                "zns_template_id",
                "Mã mẫu ZNS mặc định (khi mẫu thông báo không ghi mã riêng)",
                "MOTCUA_ZALO_ZNS_TEMPLATE_ID",
                default=SANDBOX_ZNS_TEMPLATE_ID,
            ),
            Setting(
                "refresh_token",
                "Refresh token đầu tiên (khi cấp quyền cho OA)",
                "MOTCUA_ZALO_REFRESH_TOKEN",
                secret=True,
                default=SANDBOX_REFRESH_TOKEN,
            ),
        ),
        sandbox="python -m connectors.zalo.sandbox --port 5006 "
        "--webhook-url http://127.0.0.1:5000/ket-noi/zalo/webhook",
    )
)
SETTINGS_PROVIDER = SETTINGS.name
#: what an empty credential means while api_base is the local sandbox's
SANDBOX_DEFAULTS = {
    "MOTCUA_ZALO_APP_ID": SANDBOX_APP_ID,
    "MOTCUA_ZALO_SECRET_KEY": SANDBOX_SECRET_KEY,
    "MOTCUA_ZALO_REFRESH_TOKEN": SANDBOX_REFRESH_TOKEN,
    "MOTCUA_ZALO_OA_SECRET_KEY": SANDBOX_OA_SECRET_KEY,
    "MOTCUA_ZALO_ZNS_TEMPLATE_ID": SANDBOX_ZNS_TEMPLATE_ID,
}


class RefreshRefused(OperationFailed):
    """Zalo OAuth said no to the refresh token (spent, revoked, or the app keys are wrong).

    Still a retryable failure: the message is good, an administrator must authorise the OA
    again and store the new refresh token, after which the retry goes through.
    """


@dataclass(frozen=True)
class ZaloSettings:
    app_id: str = ""
    secret_key: str = ""
    api_base: str = SANDBOX_BASE
    oauth_base: str = SANDBOX_BASE
    #: the first refresh token; once the store holds one, the stored one is used
    refresh_token: str = ""
    #: the OA's secret key: it signs the events Zalo posts to our webhook
    oa_secret_key: str = ""
    #: the ZNS template a notice uses when its own wording names none
    zns_template_id: str = ""
    timeout: float = 10.0


def zalo_settings(
    stored: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> ZaloSettings:
    """The MOTCUA_ZALO_* environment with the administrator's stored settings on top."""
    env = SETTINGS.environment(stored, environ)
    api_base = (env.get("MOTCUA_ZALO_API_BASE") or SANDBOX_BASE).rstrip("/")
    if api_base == SANDBOX_BASE:
        env.update({name: value for name, value in SANDBOX_DEFAULTS.items() if not env.get(name)})
    return ZaloSettings(
        app_id=env.get("MOTCUA_ZALO_APP_ID", ""),
        secret_key=env.get("MOTCUA_ZALO_SECRET_KEY", ""),
        api_base=api_base,
        oauth_base=(env.get("MOTCUA_ZALO_OAUTH_BASE") or SANDBOX_BASE).rstrip("/"),
        refresh_token=env.get("MOTCUA_ZALO_REFRESH_TOKEN", ""),
        oa_secret_key=env.get("MOTCUA_ZALO_OA_SECRET_KEY", ""),
        zns_template_id=env.get("MOTCUA_ZALO_ZNS_TEMPLATE_ID", ""),
    )


def send_template(
    phone: str,
    template_id: str,
    template_data: Mapping[str, object],
    tracking_id: str,
    settings: ZaloSettings,
    token_store: TokenStore,
) -> dict:
    """Send one ZNS message; refresh the access token first if stale, or once on -124."""
    body = {
        "phone": normalise_phone(phone),
        "template_id": str(template_id),
        "template_data": dict(template_data or {}),
        "tracking_id": _tracking_id(tracking_id),
    }
    answer = authorised_call(
        settings,
        token_store,
        lambda access_token: post_json(
            settings, "/message/template", access_token, body, "Zalo ZNS"
        ),
    )
    error = answer.get("error")
    if error == 0:
        data = answer.get("data") or {}
        return {"delivered": True, "channel": "zalo", "msg_id": data.get("msg_id"), **body}
    raise_for_error(answer, "Zalo ZNS", REFUSALS)


def authorised_call(
    settings: ZaloSettings, token_store: TokenStore, call: Callable[[str], dict]
) -> dict:
    """`call(access_token)` with a fresh token: refreshed first if stale, or once when Zalo
    answers that the token is invalid (it may die before its stored expiry)."""
    tokens = token_store.get()
    if tokens is None or tokens.expired(datetime.now(UTC) + EXPIRY_MARGIN):
        tokens = _rotate(token_store, tokens, settings)
    answer = call(tokens.access_token)
    if answer.get("error") in ACCESS_TOKEN_ERRORS:
        tokens = _rotate(token_store, tokens, settings)
        answer = call(tokens.access_token)
    return answer


def raise_for_error(answer: dict, what: str, refusals: Mapping[int, str]) -> NoReturn:
    """A Zalo answer with a non-zero `error`: temporary ones retry, the others refuse for good."""
    error = answer.get("error")
    message = str(answer.get("message", ""))
    if not isinstance(error, int) or error in TEMPORARY_ERRORS or error in ACCESS_TOKEN_ERRORS:
        raise OperationFailed(f"{what} {error}: {message}")
    known = refusals.get(error)
    raise OperationRefused(
        f"zalo{error}", f"{known or 'Zalo từ chối gửi tin.'} (Zalo {error}: {message})"
    )


def refresh_tokens(settings: ZaloSettings, refresh_token: str) -> Tokens:
    """Spend `refresh_token` at Zalo OAuth v4 for a new access token and a new refresh token."""
    if not refresh_token:
        raise OperationFailed(
            "Chưa có refresh token Zalo: nhập refresh_token của OA ở Quản trị › Kết nối (zalo)."
        )
    try:
        response = requests.post(
            f"{settings.oauth_base}/v4/oa/access_token",
            headers={"secret_key": settings.secret_key},
            data={
                "app_id": settings.app_id,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            timeout=settings.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"Zalo OAuth {settings.oauth_base}: {error}") from error
    answer = json_answer(response, "Zalo OAuth")
    if not answer.get("access_token") or not answer.get("refresh_token"):
        raise RefreshRefused(
            f"Zalo OAuth từ chối làm mới token ({answer.get('error')}: "
            f"{answer.get('error_description') or answer.get('error_name')}); "
            "cần cấp lại refresh token của OA."
        )
    expires_in = int(answer.get("expires_in") or 0)
    return Tokens(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
    )


def _rotate(store: TokenStore, seen: Tokens | None, settings: ZaloSettings) -> Tokens:
    return store.rotate(seen, settings.refresh_token, lambda token: _refresh(settings, token))


def _refresh(settings: ZaloSettings, refresh_token: str) -> Tokens:
    """Spend the stored refresh token; when Zalo refuses it and the administrator has since
    stored another one in the settings (the OA authorised again), spend that one instead."""
    try:
        return refresh_tokens(settings, refresh_token)
    except RefreshRefused:
        if not settings.refresh_token or settings.refresh_token == refresh_token:
            raise
        return refresh_tokens(settings, settings.refresh_token)


def post_json(settings: ZaloSettings, path: str, access_token: str, body: dict, what: str) -> dict:
    """POST `body` to {api_base}{path} with the `access_token` header; the answer's JSON."""
    try:
        response = requests.post(
            f"{settings.api_base}{path}",
            headers={"access_token": access_token},
            json=body,
            timeout=settings.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"{what} {settings.api_base}: {error}") from error
    return json_answer(response, what)


def _tracking_id(key: str) -> str:
    """The outbox idempotency key, or its digest when longer than Zalo allows."""
    if len(key) <= TRACKING_ID_MAX:
        return key
    return hashlib.sha256(key.encode()).hexdigest()[:TRACKING_ID_MAX]


#: Vietnamese explanations of the permanent ZNS errors an officer is likely to meet
REFUSALS = {
    -108: "Số điện thoại không hợp lệ.",
    -109: "Mã mẫu tin (template_id) không hợp lệ.",
    -112: "Dữ liệu mẫu tin (template_data) không hợp lệ.",
    -118: "Số điện thoại chưa dùng Zalo hoặc tài khoản Zalo đã bị khóa.",
    -131: "Mẫu tin chưa được duyệt.",
}
