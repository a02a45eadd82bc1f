"""The national public-service portal (Cổng DVC quốc gia), reached through its adapter (LGSP).

The adapter speaks one small protocol (the sandbox, connectors/national_portal/sandbox.py,
speaks the same):

    POST {base_url}/login        {"username", "password"}
      -> {"error_code": 0, "message", "session"}
    POST {base_url}/api          header `dstcode: <destination>` (the portal behind the adapter)
      {"session", "madonvi" (the province's unit code on the portal), "service", "data"}
      -> {"error_code": 0, "message", "data"?}

Services: DongBoHoSoMC (a dossier's fields and national status, an upsert by MaHoSo),
CapNhatTienDoHoSoMC (processing steps of dossiers), LayDanhSachTTHC (the catalogue's list),
LayThuTuc (one procedure record, in the shape of engine/procedures/national_format.py) and
LayDanhSachHoSoDVCQG (dossiers citizens submitted on the portal for this province; the name is
the sandbox's, the portal's documentation was not at hand).

`error_code` 0 means accepted. SESSION_INVALID means the session expired or is unknown: the
client logs in once more and repeats the call. Any other code is a refusal (OperationRefused);
HTTP 5xx/429, an answer that is not JSON or an unreachable adapter are temporary
(OperationFailed), retried by the outbox.

Settings (provider `national_portal` on Quản trị › Kết nối, or MOTCUA_NATIONAL_PORTAL_*; stored
wins): base_url, username, password, dstcode, unit_code, sync, timeout. While base_url is the
local sandbox's, an empty credential takes the sandbox's value; pointed elsewhere, none is
guessed. Nothing is pushed or fetched until `sync` is "1".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.contract import OperationFailed, OperationRefused, json_answer
from connectors.national_portal.sessions import SessionStore
from connectors.settings import ProviderSettings, Setting, declare

SANDBOX_BASE = "http://127.0.0.1:5008"
SANDBOX_USERNAME = "motcua-adapter"
SANDBOX_PASSWORD = "motcua-adapter-secret"
SANDBOX_DSTCODE = "VN:GOV:000.00.00.G22:DVCQG"
SANDBOX_UNIT_CODE = "000.00.00.H25"

ACCEPTED = 0
WRONG_CREDENTIALS = -1
SESSION_INVALID = -2
WRONG_DESTINATION = -3
UNKNOWN_SERVICE = -4
INVALID_DATA = -5
UNKNOWN_RECORD = -6

SYNC_DOSSIER = "DongBoHoSoMC"
SYNC_PROGRESS = "CapNhatTienDoHoSoMC"
LIST_PROCEDURES = "LayDanhSachTTHC"
GET_PROCEDURE = "LayThuTuc"
LIST_INCOMING = "LayDanhSachHoSoDVCQG"

SETTINGS = declare(
    ProviderSettings(
        "national_portal",
        "Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ, danh mục TTHC)",
        (
            Setting(
                "base_url",
                "Địa chỉ adapter (LGSP)",
                "MOTCUA_NATIONAL_PORTAL_BASE_URL",
                default=SANDBOX_BASE,
            ),
            Setting(
                "username",
                "Tài khoản đăng nhập adapter",
                "MOTCUA_NATIONAL_PORTAL_USERNAME",
                default=SANDBOX_USERNAME,
            ),
            Setting(
                "password",
                "Mật khẩu đăng nhập adapter",
                "MOTCUA_NATIONAL_PORTAL_PASSWORD",
                secret=True,
                default=SANDBOX_PASSWORD,
            ),
            Setting(
                "dstcode",
                "Mã hệ thống đích (header dstcode)",
                "MOTCUA_NATIONAL_PORTAL_DSTCODE",
                default=SANDBOX_DSTCODE,
            ),
            Setting(
                "unit_code",
                "Mã đơn vị của tỉnh trên Cổng (madonvi)",
                "MOTCUA_NATIONAL_PORTAL_UNIT_CODE",
                default=SANDBOX_UNIT_CODE,
            ),
            Setting(
                "sync",
                "Bật đồng bộ (1: đẩy hồ sơ, lấy hồ sơ và danh mục TTHC)",
                "MOTCUA_NATIONAL_PORTAL_SYNC",
            ),
            Setting(
                "timeout", "Thời gian chờ (giây)", "MOTCUA_NATIONAL_PORTAL_TIMEOUT", default="15"
            ),
        ),
        sandbox="python -m connectors.national_portal.sandbox --port 5008",
    )
)
SETTINGS_PROVIDER = SETTINGS.name
SANDBOX_DEFAULTS = {
    "MOTCUA_NATIONAL_PORTAL_USERNAME": SANDBOX_USERNAME,
    "MOTCUA_NATIONAL_PORTAL_PASSWORD": SANDBOX_PASSWORD,
    "MOTCUA_NATIONAL_PORTAL_DSTCODE": SANDBOX_DSTCODE,
    "MOTCUA_NATIONAL_PORTAL_UNIT_CODE": SANDBOX_UNIT_CODE,
}


@dataclass(frozen=True)
class PortalSettings:
    base_url: str = SANDBOX_BASE
    username: str = ""
    password: str = ""
    dstcode: str = ""
    unit_code: str = ""
    sync: bool = False
    timeout: float = 15.0


def portal_settings(
    stored: Mapping[str, str] | None, environ: Mapping[str, str] | None = None
) -> PortalSettings:
    """The MOTCUA_NATIONAL_PORTAL_* environment with the administrator's stored ones on top."""
    env = SETTINGS.environment(stored, environ)
    base_url = (env.get("MOTCUA_NATIONAL_PORTAL_BASE_URL") or SANDBOX_BASE).rstrip("/")
    if base_url == SANDBOX_BASE:
        env.update({name: value for name, value in SANDBOX_DEFAULTS.items() if not env.get(name)})
    try:
        timeout = float(env.get("MOTCUA_NATIONAL_PORTAL_TIMEOUT") or PortalSettings.timeout)
    except ValueError as error:
        raise OperationFailed(f"national portal settings: timeout {error}") from error
    return PortalSettings(
        base_url=base_url,
        username=env.get("MOTCUA_NATIONAL_PORTAL_USERNAME", ""),
        password=env.get("MOTCUA_NATIONAL_PORTAL_PASSWORD", ""),
        dstcode=env.get("MOTCUA_NATIONAL_PORTAL_DSTCODE", ""),
        unit_code=env.get("MOTCUA_NATIONAL_PORTAL_UNIT_CODE", ""),
        sync=(env.get("MOTCUA_NATIONAL_PORTAL_SYNC") or "").strip() == "1",
        timeout=timeout,
    )


def call_service(
    service: str, data: object, settings: PortalSettings, sessions: SessionStore
) -> dict:
    """Call one adapter service; the answer when `error_code` is 0.

    A refused session (expired, or the adapter restarted) costs one new login and one repeat;
    a second refusal in a row is a temporary failure, so the outbox tries again later.
    """
    for _attempt in range(2):
        token = sessions.get() or _login(settings, sessions)
        answer = _post(
            f"{settings.base_url}/api",
            {"session": token, "madonvi": settings.unit_code, "service": service, "data": data},
            settings,
            headers={"dstcode": settings.dstcode},
            what=service,
        )
        code = _error_code(answer)
        if code == ACCEPTED:
            return answer
        if code is None:
            raise OperationFailed(f"{service}: answer without error_code")
        if code != SESSION_INVALID:
            raise OperationRefused(f"dvcqg_{code}", str(answer.get("message") or "")[:500])
        sessions.forget(token)
    raise OperationFailed(f"{service}: the adapter refused a fresh session")


def sync_dossier(record: dict, settings: PortalSettings, sessions: SessionStore) -> dict:
    """DongBoHoSoMC for one dossier: what the portal answered."""
    answer = call_service(SYNC_DOSSIER, [record], settings, sessions)
    return {"service": SYNC_DOSSIER, "message": str(answer.get("message") or "")}


def sync_progress(entry: dict, settings: PortalSettings, sessions: SessionStore) -> dict:
    """CapNhatTienDoHoSoMC for one processing step."""
    answer = call_service(SYNC_PROGRESS, [entry], settings, sessions)
    return {"service": SYNC_PROGRESS, "message": str(answer.get("message") or "")}


def list_procedures(settings: PortalSettings, sessions: SessionStore) -> list[dict]:
    """LayDanhSachTTHC: [{"MATTHC", "TENTTHC", ...}] of the province's procedures."""
    return _rows(call_service(LIST_PROCEDURES, {}, settings, sessions), LIST_PROCEDURES)


def get_procedure(code: str, settings: PortalSettings, sessions: SessionStore) -> dict:
    """LayThuTuc: one procedure record in the portal's shape."""
    answer = call_service(GET_PROCEDURE, {"MATTHC": code}, settings, sessions)
    record = answer.get("data")
    if not isinstance(record, dict):
        raise OperationFailed(f"{GET_PROCEDURE} {code}: no record in the answer")
    return record


def list_incoming(settings: PortalSettings, sessions: SessionStore) -> list[dict]:
    """LayDanhSachHoSoDVCQG: dossiers submitted on the portal, not yet received here."""
    return _rows(call_service(LIST_INCOMING, {}, settings, sessions), LIST_INCOMING)


def _login(settings: PortalSettings, sessions: SessionStore) -> str:
    answer = _post(
        f"{settings.base_url}/login",
        {"username": settings.username, "password": settings.password},
        settings,
        headers={},
        what="login",
    )
    token = answer.get("session")
    if _error_code(answer) != ACCEPTED or not isinstance(token, str) or not token:
        # retryable: the message tells the administrator to fix the account on Quản trị › Kết nối
        raise OperationFailed(f"login refused: {answer.get('message') or answer}"[:500])
    sessions.save(token)
    return token


def _post(url: str, body: dict, settings: PortalSettings, *, headers: dict, what: str) -> dict:
    try:
        response = requests.post(url, json=body, headers=headers, timeout=settings.timeout)
    except requests.RequestException as error:
        raise OperationFailed(f"{what}: adapter unreachable: {error}") from error
    return json_answer(response, what)


def _error_code(answer: dict) -> int | None:
    try:
        return int(answer.get("error_code"))
    except (TypeError, ValueError):
        return None


def _rows(answer: dict, what: str) -> list[dict]:
    rows = answer.get("data")
    if not isinstance(rows, list):
        raise OperationFailed(f"{what}: no list in the answer")
    return [row for row in rows if isinstance(row, dict)]
