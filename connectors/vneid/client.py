"""The relying party's side of OpenID Connect: authorization code + PKCE, via Authlib.

`start_authorization` gives the URL to send the browser to and the secrets to keep in the
session (state, nonce, PKCE verifier); `finish_authorization` exchanges the code, validates the
ID token (RS256 signature from the provider's JWKS, iss, aud, nonce, exp) and returns the ID
token's claims merged with the userinfo answer. Every network call happens here, never inside a
database transaction. Settings: MOTCUA_OIDC_ISSUER / CLIENT_ID / CLIENT_SECRET.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

#: what the national provider asks relying parties to request (level of assurance 1)
ACR_VALUES = "LoA1"
SCOPE = "openid profile"
TIMEOUT = 10


class IdentityRefused(Exception):
    """The sign-in cannot be trusted or did not complete; `message` is shown to the user."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(f"{message} ({detail})" if detail else message)
        self.message = message


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str


def settings_from_env(environ: dict | None = None) -> OidcSettings | None:
    """None when no issuer is configured: the sign-in button is then not offered."""
    env = os.environ if environ is None else environ
    issuer = env.get("MOTCUA_OIDC_ISSUER", "").rstrip("/")
    if not issuer:
        return None
    return OidcSettings(
        issuer=issuer,
        client_id=env.get("MOTCUA_OIDC_CLIENT_ID", "motcua"),
        client_secret=env.get("MOTCUA_OIDC_CLIENT_SECRET", ""),
    )


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def provider_metadata(settings: OidcSettings) -> dict:
    """The discovery document; its issuer must be the configured one (OIDC Discovery §4.3)."""
    try:
        answer = requests.get(
            f"{settings.issuer}/.well-known/openid-configuration", timeout=TIMEOUT
        )
        answer.raise_for_status()
        metadata = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise IdentityRefused(_UNREACHABLE, str(error)) from error
    if metadata.get("issuer", "").rstrip("/") != settings.issuer:
        raise IdentityRefused(_UNTRUSTED, "discovery issuer mismatch")
    return metadata


def _client(settings: OidcSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.client_id,
        settings.client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def start_authorization(settings: OidcSettings, redirect_uri: str) -> AuthorizationRequest:
    metadata = provider_metadata(settings)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _client(settings, redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"],
        state=state,
        code_verifier=verifier,
        nonce=nonce,
        acr_values=ACR_VALUES,
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def finish_authorization(
    settings: OidcSettings,
    redirect_uri: str,
    callback_args: dict,
    *,
    state: str,
    nonce: str,
    code_verifier: str,
) -> dict:
    """The signed-in identity's claims, or IdentityRefused."""
    if callback_args.get("error"):
        raise IdentityRefused(
            "Đăng nhập bằng tài khoản định danh điện tử đã bị huỷ hoặc bị từ chối.",
            callback_args.get("error", ""),
        )
    if not state or not secrets.compare_digest(callback_args.get("state", ""), state):
        raise IdentityRefused(_EXPIRED, "state mismatch")
    code = callback_args.get("code", "")
    if not code:
        raise IdentityRefused(_EXPIRED, "no code")
    metadata = provider_metadata(settings)
    client = _client(settings, redirect_uri)
    try:
        token = client.fetch_token(
            metadata["token_endpoint"], code=code, code_verifier=code_verifier, timeout=TIMEOUT
        )
        jwks = requests.get(metadata["jwks_uri"], timeout=TIMEOUT).json()
    except Exception as error:  # Authlib raises its own OAuthError family and requests' errors
        raise IdentityRefused(_UNREACHABLE, str(error)) from error
    claims = validate_id_token(
        token.get("id_token", ""),
        jwks=jwks,
        issuer=settings.issuer,
        client_id=settings.client_id,
        nonce=nonce,
    )
    try:
        answer = client.get(metadata["userinfo_endpoint"], timeout=TIMEOUT)
        answer.raise_for_status()
        userinfo = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise IdentityRefused(_UNREACHABLE, str(error)) from error
    if userinfo.get("sub") != claims["sub"]:
        raise IdentityRefused(_UNTRUSTED, "userinfo sub differs from the ID token's")
    return {**userinfo, **claims}


def validate_id_token(
    id_token: str,
    *,
    jwks: dict,
    issuer: str,
    client_id: str,
    nonce: str,
    now: int | None = None,
    leeway: int = 60,
) -> dict:
    """The ID token's claims once its RS256 signature, iss, aud, nonce and exp are right."""
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
        registry = jwt.JWTClaimsRegistry(
            now=now if now is not None else int(time.time()),
            leeway=leeway,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            sub={"essential": True},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as error:
        raise IdentityRefused(_UNTRUSTED, f"{type(error).__name__}: {error}") from error
    audience = token.claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and token.claims.get("azp") != client_id:
        raise IdentityRefused(_UNTRUSTED, "azp missing for several audiences")
    return dict(token.claims)


_UNREACHABLE = "Không kết nối được với Cổng định danh quốc gia. Vui lòng thử lại sau."
_UNTRUSTED = "Thông tin đăng nhập từ Cổng định danh không hợp lệ. Vui lòng đăng nhập lại."
_EXPIRED = "Phiên đăng nhập bằng định danh điện tử đã hết hạn. Vui lòng thử lại."
