"""A local Zalo: ZNS template messages, OA consultation messages, OAuth v4 token refresh and the
OA's webhook events, for tests and `make run`.

Same paths, fields and error codes as Zalo's: access tokens expire (`token_lifetime`), refresh
tokens rotate and work once (an old one answers -14014), -124 (ZNS) or -216 (OA API) for an
unknown or expired access token, -118 for a phone that is not a Zalo user (`NOT_ZALO_USER`),
-109 for an unknown template when `templates` is given, -213 for a user who does not follow the
OA (`NOT_FOLLOWER`). Every accepted ZNS message is kept in `messages`, every consultation
message in `replies`. Test hooks: `down` (every request answers 503), `expire_tokens()`.

Users writing to the OA: `send_user_text("...")` posts a signed `user_send_text` event to
`webhook_url`, as Zalo does; `user_text_event` and `deliver` do it in two steps, so a test can
deliver the same event twice or sign it with the wrong key. By hand: the page at / (a user's
chat with the OA) when started with --webhook-url.

    python -m connectors.zalo.sandbox --port 5006 \
        --webhook-url http://127.0.0.1:5000/ket-noi/zalo/webhook
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time

import requests
from flask import Flask, jsonify, redirect, render_template_string, request
from werkzeug.serving import WSGIRequestHandler

from connectors.sandbox_server import SandboxServer
from connectors.zalo.client import (
    SANDBOX_APP_ID,
    SANDBOX_OA_SECRET_KEY,
    SANDBOX_REFRESH_TOKEN,
    SANDBOX_SECRET_KEY,
    SANDBOX_ZNS_TEMPLATE_ID,
)
from connectors.zalo.webhooks import SIGNATURE_HEADER, USER_SEND_TEXT, event_signature

__all__ = [
    "NOT_FOLLOWER",
    "NOT_ZALO_USER",
    "SANDBOX_APP_ID",
    "SANDBOX_OA_SECRET_KEY",
    "SANDBOX_REFRESH_TOKEN",
    "SANDBOX_SECRET_KEY",
    "ZaloSandbox",
]

#: a well-formed number with no Zalo account behind it
NOT_ZALO_USER = "84900000118"
#: the OA's id, and the user who writes to it unless told otherwise
SANDBOX_OA_ID = "1032900368346500000"
SANDBOX_USER_ID = "5000000000000000001"
#: a Zalo user who does not follow the OA: consultation messages to them answer -213
NOT_FOLLOWER = "5000000000000000213"
TOKEN_LIFETIME = 3600
INVALID_REFRESH_TOKEN = -14014


class _UnderscoreHeaders(WSGIRequestHandler):
    """Keeps `access_token` and `secret_key`: Zalo's header names, which werkzeug's development
    server drops (an underscore header could pass for a dash one behind a proxy)."""

    def make_environ(self) -> dict:
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ["HTTP_" + key.upper().replace("-", "_")] = value.replace("\r\n", "")
        return environ


class ZaloSandbox(SandboxServer):
    """Both Zalo endpoints on a free port in a thread: `start()`, read `messages`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token_lifetime: int = TOKEN_LIFETIME,
        refresh_token: str = SANDBOX_REFRESH_TOKEN,
        templates: set[str] | None = None,
        webhook_url: str | None = None,
    ):
        self.token_lifetime = token_lifetime
        self.templates = templates
        #: where the OA's events are posted (our /ket-noi/zalo/webhook)
        self.webhook_url = webhook_url
        #: every message accepted, as received: {phone, template_id, template_data, tracking_id}
        self.messages: list[dict] = []
        #: every consultation message accepted: {user_id, text, message_id}
        self.replies: list[dict] = []
        #: the refresh tokens spent, in order
        self.refreshes: list[str] = []
        #: True: every request answers 503, as Zalo does during an outage
        self.down = False
        self._access_tokens: dict[str, float] = {}
        self._refresh_tokens = {refresh_token}
        self._lock = threading.Lock()
        super().__init__(self._create_app(), host, port, request_handler=_UnderscoreHeaders)

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working, as after its expires_in."""
        with self._lock:
            self._access_tokens = dict.fromkeys(self._access_tokens, 0.0)

    def valid_refresh_tokens(self) -> set[str]:
        with self._lock:
            return set(self._refresh_tokens)

    def replies_to(self, user_id: str = SANDBOX_USER_ID) -> list[str]:
        """The texts the OA sent this user, in order."""
        with self._lock:
            return [reply["text"] for reply in self.replies if reply["user_id"] == user_id]

    def user_text_event(
        self,
        text: str,
        *,
        user_id: str = SANDBOX_USER_ID,
        msg_id: str | None = None,
        timestamp: int | None = None,
    ) -> bytes:
        """The body of the `user_send_text` event Zalo posts when `user_id` writes `text`."""
        event = {
            "app_id": SANDBOX_APP_ID,
            "user_id_by_app": f"9{user_id[1:]}",
            "event_name": USER_SEND_TEXT,
            "timestamp": str(timestamp or int(time.time() * 1000)),
            "sender": {"id": user_id},
            "recipient": {"id": SANDBOX_OA_ID},
            "message": {"text": text, "msg_id": msg_id or secrets.token_hex(10)},
        }
        return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()

    def deliver(
        self, body: bytes, *, oa_secret_key: str = SANDBOX_OA_SECRET_KEY
    ) -> requests.Response:
        """Post an event to the webhook, signed as Zalo signs it (with `oa_secret_key`)."""
        if not self.webhook_url:
            raise RuntimeError("ZaloSandbox: no webhook_url to deliver events to")
        event = json.loads(body)
        mac = event_signature(
            str(event.get("app_id", "")), body, str(event.get("timestamp", "")), oa_secret_key
        )
        return requests.post(
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: f"mac={mac}"},
            timeout=10,
        )

    def send_user_text(self, text: str, **event) -> requests.Response:
        """A user writes `text` to the OA: Zalo posts the signed event to the webhook."""
        return self.deliver(self.user_text_event(text, **event))

    @property
    def environment(self) -> dict[str, str]:
        """The settings that point motcua's Zalo connector at this sandbox."""
        return {
            "MOTCUA_ZALO_APP_ID": SANDBOX_APP_ID,
            "MOTCUA_ZALO_SECRET_KEY": SANDBOX_SECRET_KEY,
            "MOTCUA_ZALO_API_BASE": self.base_url,
            "MOTCUA_ZALO_OAUTH_BASE": self.base_url,
            "MOTCUA_ZALO_REFRESH_TOKEN": SANDBOX_REFRESH_TOKEN,
            "MOTCUA_ZALO_OA_SECRET_KEY": SANDBOX_OA_SECRET_KEY,
            "MOTCUA_ZALO_ZNS_TEMPLATE_ID": SANDBOX_ZNS_TEMPLATE_ID,
        }

    def _create_app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def outage():
            if self.down:
                return jsonify(error=-100, message="Service unavailable"), 503
            return None

        @app.post("/v4/oa/access_token")
        def access_token():
            form = request.form
            if form.get("app_id") != SANDBOX_APP_ID or not secrets.compare_digest(
                request.headers.get("secret_key", ""), SANDBOX_SECRET_KEY
            ):
                return _oauth_error(-14001, "Invalid app_id or secret_key")
            if form.get("grant_type") != "refresh_token":
                return _oauth_error(-14003, "Invalid grant_type")
            spent = form.get("refresh_token", "")
            with self._lock:
                if spent not in self._refresh_tokens:
                    return _oauth_error(INVALID_REFRESH_TOKEN, "Invalid refresh token")
                self._refresh_tokens.discard(spent)
                self.refreshes.append(spent)
                access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
                self._access_tokens[access] = time.time() + self.token_lifetime
                self._refresh_tokens.add(refresh)
            return jsonify(
                access_token=access, refresh_token=refresh, expires_in=str(self.token_lifetime)
            )

        @app.post("/message/template")
        def template():
            if not self._token_valid(request.headers.get("access_token", "")):
                return _zns_error(-124, "Access token is invalid")
            body = request.get_json(silent=True) or {}
            phone, template_id = str(body.get("phone", "")), str(body.get("template_id", ""))
            if not phone.isdigit() or not phone.startswith("84") or len(phone) != 11:
                return _zns_error(-108, "Phone number is invalid")
            if not template_id or (
                self.templates is not None and template_id not in self.templates
            ):
                return _zns_error(-109, "Template ID is invalid")
            if not isinstance(body.get("template_data"), dict):
                return _zns_error(-112, "Template data is invalid")
            if phone == NOT_ZALO_USER:
                return _zns_error(-118, "Zalo account does not exist or has been deactivated")
            msg_id = secrets.token_hex(16)
            with self._lock:
                self.messages.append({**body, "msg_id": msg_id})
            return jsonify(
                error=0,
                message="Success",
                data={"msg_id": msg_id, "sent_time": str(int(time.time() * 1000))},
            )

        @app.post("/v3.0/oa/message/cs")
        def consultation():
            if not self._token_valid(request.headers.get("access_token", "")):
                return _zns_error(-216, "Access token is invalid")
            body = request.get_json(silent=True) or {}
            recipient, message = body.get("recipient"), body.get("message")
            user_id = str(recipient.get("user_id", "")) if isinstance(recipient, dict) else ""
            text = message.get("text") if isinstance(message, dict) else None
            if not user_id.isdigit():
                return _zns_error(-201, "Parameter user_id is invalid")
            if not isinstance(text, str) or not text.strip() or len(text) > 2000:
                return _zns_error(-201, "Parameter text is invalid")
            if user_id == NOT_FOLLOWER:
                return _zns_error(-213, "User has not followed OA")
            message_id = secrets.token_hex(16)
            with self._lock:
                self.replies.append({"user_id": user_id, "text": text, "message_id": message_id})
            return jsonify(
                error=0, message="Success", data={"message_id": message_id, "user_id": user_id}
            )

        @app.get("/")
        def chat():
            user_id = request.args.get("user_id") or SANDBOX_USER_ID
            return render_template_string(
                CHAT_PAGE,
                user_id=user_id,
                replies=self.replies_to(user_id),
                webhook_url=self.webhook_url,
                status=request.args.get("status"),
            )

        @app.post("/")
        def write():
            user_id = request.form.get("user_id") or SANDBOX_USER_ID
            try:
                status = self.send_user_text(request.form.get("text", ""), user_id=user_id)
                shown = str(status.status_code)
            except (RuntimeError, requests.RequestException) as error:
                shown = str(error)
            return redirect(f"/?user_id={user_id}&status={shown}")

        return app

    def _token_valid(self, token: str) -> bool:
        with self._lock:
            return self._access_tokens.get(token, 0.0) > time.time()


CHAT_PAGE = """<!doctype html><meta charset="utf-8"><title>Zalo OA thử nghiệm</title>
<h1>Zalo OA thử nghiệm: trò chuyện của người dùng {{ user_id }}</h1>
<p>Webhook: {{ webhook_url or "chưa đặt (--webhook-url)" }}{% if status %}
 — lần gửi cuối: {{ status }}{% endif %}</p>
<form method="post"><input type="hidden" name="user_id" value="{{ user_id }}">
<input name="text" size="50" placeholder="Mã hồ sơ, ví dụ 000.00.20.H25-261129-0001" required>
<button>Gửi tới OA</button></form>
<h2>OA trả lời (tải lại trang sau vài giây)</h2>
{% for reply in replies %}<pre>{{ reply }}</pre>{% else %}<p>Chưa có tin trả lời.</p>{% endfor %}
"""


def _oauth_error(code: int, description: str):
    return jsonify(error=code, error_name="Invalid parameter", error_description=description)


def _zns_error(code: int, message: str):
    return jsonify(error=code, message=message)


def main() -> None:
    parser = argparse.ArgumentParser(description="Zalo ZNS thử nghiệm của motcua.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--token-lifetime", type=int, default=TOKEN_LIFETIME)
    parser.add_argument("--webhook-url", help="where the OA's events go (/ket-noi/zalo/webhook)")
    args = parser.parse_args()
    sandbox = ZaloSandbox(
        args.host, args.port, token_lifetime=args.token_lifetime, webhook_url=args.webhook_url
    )
    print(f"Zalo thử nghiệm: {sandbox.base_url} (trò chuyện với OA: trang /)", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
