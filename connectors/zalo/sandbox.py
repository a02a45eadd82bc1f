"""A local Zalo: the ZNS template endpoint and OAuth v4 token refresh, for tests and `make run`.

Same paths, fields and error codes as Zalo's: access tokens expire (`token_lifetime`), refresh
tokens rotate and work once (an old one answers -14014), -124 for an unknown or expired access
token, -118 for a phone that is not a Zalo user (`NOT_ZALO_USER`), -109 for an unknown template
when `templates` is given. Every accepted message is kept in `messages`. Test hooks: `down`
(every request answers 503), `expire_tokens()`.

    python -m connectors.zalo.sandbox --port 5006
"""

from __future__ import annotations

import argparse
import secrets
import threading
import time

from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

SANDBOX_APP_ID = "motcua-zalo"
SANDBOX_SECRET_KEY = "motcua-zalo-secret"
SANDBOX_REFRESH_TOKEN = "motcua-zalo-refresh-0"
#: a well-formed number with no Zalo account behind it
NOT_ZALO_USER = "84900000118"
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


class ZaloSandbox:
    """Both Zalo endpoints on a free port in a thread: `start()`, read `messages`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token_lifetime: int = TOKEN_LIFETIME,
        refresh_token: str = SANDBOX_REFRESH_TOKEN,
        templates: set[str] | None = None,
    ):
        self.token_lifetime = token_lifetime
        self.templates = templates
        #: every message accepted, as received: {phone, template_id, template_data, tracking_id}
        self.messages: list[dict] = []
        #: the refresh tokens spent, in order
        self.refreshes: list[str] = []
        #: True: every request answers 503, as Zalo does during an outage
        self.down = False
        self._access_tokens: dict[str, float] = {}
        self._refresh_tokens = {refresh_token}
        self._lock = threading.Lock()
        self.app = self._create_app()
        self._server = make_server(
            host, port, self.app, threaded=True, request_handler=_UnderscoreHeaders
        )
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> ZaloSandbox:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working, as after its expires_in."""
        with self._lock:
            self._access_tokens = dict.fromkeys(self._access_tokens, 0.0)

    def valid_refresh_tokens(self) -> set[str]:
        with self._lock:
            return set(self._refresh_tokens)

    @property
    def environment(self) -> dict[str, str]:
        """The settings that point motcua's Zalo connector at this sandbox."""
        return {
            "MOTCUA_ZALO_APP_ID": SANDBOX_APP_ID,
            "MOTCUA_ZALO_SECRET_KEY": SANDBOX_SECRET_KEY,
            "MOTCUA_ZALO_API_BASE": self.base_url,
            "MOTCUA_ZALO_OAUTH_BASE": self.base_url,
            "MOTCUA_ZALO_REFRESH_TOKEN": SANDBOX_REFRESH_TOKEN,
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
            token = request.headers.get("access_token", "")
            with self._lock:
                valid_until = self._access_tokens.get(token, 0.0)
            if valid_until <= time.time():
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

        return app


def _oauth_error(code: int, description: str):
    return jsonify(error=code, error_name="Invalid parameter", error_description=description)


def _zns_error(code: int, message: str):
    return jsonify(error=code, message=message)


def main() -> None:
    parser = argparse.ArgumentParser(description="Zalo ZNS thử nghiệm của motcua.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--token-lifetime", type=int, default=TOKEN_LIFETIME)
    args = parser.parse_args()
    sandbox = ZaloSandbox(args.host, args.port, token_lifetime=args.token_lifetime)
    print(f"Zalo ZNS thử nghiệm: {sandbox.base_url}", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
