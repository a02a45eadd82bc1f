"""A local OpenID Connect provider that behaves like the national one, for tests and `make run`.

Discovery document, /authorize (a page to pick a test identity), /token (authorization code with
PKCE S256, client_secret_basic or _post), /userinfo (the national claims SoDinhDanh, HoVaTen,
SoDienThoai, ThuDienTu, LoaiTaiKhoan, MaSoThue), /jwks (one RS256 key). `acr_values=LoA1`
is accepted and echoed as the `acr` claim.

    python -m connectors.vneid.sandbox --port 5001   # then MOTCUA_OIDC_ISSUER=http://127.0.0.1:5001
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, render_template, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from connectors.sandbox_server import SandboxServer
from connectors.vneid.identities import TEST_IDENTITIES

SANDBOX_CLIENT_ID = "motcua"
SANDBOX_CLIENT_SECRET = "motcua-sandbox-secret"
CODE_LIFETIME = 60
TOKEN_LIFETIME = 300
ACR_SUPPORTED = ("LoA1", "LoA2")


def create_provider_app(
    clients: dict[str, str] | None = None, identities: list[dict] | None = None
) -> Flask:
    """The provider as a Flask app; `app.config["ISSUER"]` must be set to its base URL."""
    app = Flask(__name__)
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    state = {
        "clients": clients or {SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET},
        "identities": identities or TEST_IDENTITIES,
        "codes": {},
        "tokens": {},
        "key": key,
        #: tests set this to alter the ID token before it is returned (a tampered token)
        "id_token_filter": None,
    }
    app.extensions["oidc_sandbox"] = state

    @app.get("/.well-known/openid-configuration")
    def discovery():
        issuer = app.config["ISSUER"]
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{issuer}/authorize",
            token_endpoint=f"{issuer}/token",
            userinfo_endpoint=f"{issuer}/userinfo",
            jwks_uri=f"{issuer}/jwks",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=["openid", "profile"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],
            acr_values_supported=list(ACR_SUPPORTED),
            claims_supported=[
                "sub", "iss", "aud", "exp", "iat", "nonce", "acr", "SoDinhDanh", "HoVaTen",
                "SoDienThoai", "ThuDienTu", "LoaiTaiKhoan", "MaSoThue", "TenDoanhNghiep",
            ],
        )  # fmt: skip

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[state["key"].as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        params = request.values
        problem = _authorize_problem(state, params)
        if problem:
            return render_template("provider_error.html", problem=problem), 400
        if request.method == "GET":
            return render_template(
                "pick_identity.html", identities=state["identities"], params=params.to_dict()
            )
        if "cancel" in params:
            return _back(params, error="access_denied")
        identity = state["identities"][int(params.get("identity", "0"))]
        code = secrets.token_urlsafe(24)
        state["codes"][code] = {
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "challenge": params["code_challenge"],
            "nonce": params.get("nonce"),
            "acr": (params.get("acr_values") or "LoA1").split()[0],
            "identity": identity,
            "expires": time.time() + CODE_LIFETIME,
        }
        return _back(params, code=code)

    @app.post("/token")
    def token():
        client_id = _authenticated_client(state)
        if client_id is None:
            return _oauth_error("invalid_client", 401)
        if request.form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type")
        grant = state["codes"].pop(request.form.get("code", ""), None)
        if grant is None or grant["expires"] < time.time() or grant["client_id"] != client_id:
            return _oauth_error("invalid_grant")
        if request.form.get("redirect_uri") != grant["redirect_uri"]:
            return _oauth_error("invalid_grant")
        if _s256(request.form.get("code_verifier", "")) != grant["challenge"]:
            return _oauth_error("invalid_grant")
        access_token = secrets.token_urlsafe(32)
        state["tokens"][access_token] = grant["identity"]
        id_token = _id_token(app.config["ISSUER"], state["key"], client_id, grant)
        if state["id_token_filter"] is not None:
            id_token = state["id_token_filter"](id_token)
        return jsonify(
            access_token=access_token,
            token_type="Bearer",
            expires_in=TOKEN_LIFETIME,
            id_token=id_token,
            scope="openid profile",
        )

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        header = request.headers.get("Authorization", "")
        identity = state["tokens"].get(header.removeprefix("Bearer ").strip())
        if not header.startswith("Bearer ") or identity is None:
            return _oauth_error("invalid_token", 401)
        return jsonify(identity)

    return app


def _authorize_problem(state: dict, params) -> str | None:
    if params.get("client_id") not in state["clients"]:
        return "client_id không được đăng ký."
    if not params.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri không hợp lệ."
    if params.get("response_type") != "code":
        return "Chỉ hỗ trợ response_type=code."
    if "openid" not in params.get("scope", "").split():
        return "scope phải có openid."
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return "Bắt buộc dùng PKCE với code_challenge_method=S256."
    acr = params.get("acr_values")
    if acr and not set(acr.split()) & set(ACR_SUPPORTED):
        return "acr_values không được hỗ trợ."
    return None


def _back(params, **answer):
    answer["state"] = params.get("state", "")
    return redirect(f"{params['redirect_uri']}?{urlencode(answer)}")


def _authenticated_client(state: dict) -> str | None:
    if request.authorization and request.authorization.type == "basic":
        client_id, secret = request.authorization.username, request.authorization.password
    else:
        client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    expected = state["clients"].get(client_id or "")
    if expected is None or not secrets.compare_digest(expected, secret or ""):
        return None
    return client_id


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _id_token(issuer: str, key: RSAKey, client_id: str, grant: dict) -> str:
    now = int(time.time())
    identity = grant["identity"]
    claims = {
        "iss": issuer,
        "sub": identity["sub"],
        "aud": client_id,
        "iat": now,
        "auth_time": now,
        "exp": now + TOKEN_LIFETIME,
        "nonce": grant["nonce"],
        "acr": grant["acr"],
        "SoDinhDanh": identity["SoDinhDanh"],
        "LoaiTaiKhoan": identity["LoaiTaiKhoan"],
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def _oauth_error(code: str, status: int = 400):
    return jsonify(error=code), status


class OidcSandbox(SandboxServer):
    """The provider served on a free port in a thread: `start()`, use `issuer`, `stop()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **app_options):
        super().__init__(create_provider_app(**app_options), host, port)
        self.issuer = self.base_url
        self.app.config["ISSUER"] = self.issuer

    def set_id_token_filter(self, alter: Callable[[str], str] | None) -> None:
        self.app.extensions["oidc_sandbox"]["id_token_filter"] = alter

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_OIDC_ISSUER": self.issuer,
            "MOTCUA_OIDC_CLIENT_ID": SANDBOX_CLIENT_ID,
            "MOTCUA_OIDC_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Cổng định danh thử nghiệm (OpenID Connect).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    sandbox = OidcSandbox(args.host, args.port)
    print(f"Cổng định danh thử nghiệm: {sandbox.issuer}", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
