"""The relying party against the sandbox provider over real HTTP: PKCE, ID token checks."""

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from connectors.vneid.client import (
    IdentityRefused,
    finish_authorization,
    start_authorization,
    validate_id_token,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


REDIRECT = "http://127.0.0.1:5000/dang-nhap/vneid/callback"


def pick_identity(authorization_url: str, identity: int) -> dict:
    """What the browser does on the provider's page: choose an identity, follow the redirect."""
    page = requests.get(authorization_url, timeout=5)
    assert page.status_code == 200, page.text
    assert "Đăng nhập bằng tài khoản định danh điện tử" in page.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
    answer = requests.post(
        authorization_url.split("?")[0],
        data={**params, "identity": str(identity)},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_round_trip_returns_the_national_claims(oidc_settings):
    request = start_authorization(oidc_settings, REDIRECT)
    query = parse_qs(urlsplit(request.url).query)
    assert query["acr_values"] == ["LoA1"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"] == [request.nonce]

    callback = pick_identity(request.url, 1)
    claims = finish_authorization(
        oidc_settings,
        REDIRECT,
        callback,
        state=request.state,
        nonce=request.nonce,
        code_verifier=request.code_verifier,
    )

    assert claims["SoDinhDanh"] == "001195012345"
    assert claims["HoVaTen"] == "Trần Thị Mai"
    assert claims["LoaiTaiKhoan"] == "1"
    assert claims["acr"] == "LoA1"
    assert claims["iss"] == oidc_settings.issuer


def test_organisation_claims_carry_the_tax_code(oidc_settings):
    request = start_authorization(oidc_settings, REDIRECT)
    claims = finish_authorization(
        oidc_settings,
        REDIRECT,
        pick_identity(request.url, 2),
        state=request.state,
        nonce=request.nonce,
        code_verifier=request.code_verifier,
    )
    assert claims["LoaiTaiKhoan"] == "2"
    assert claims["MaSoThue"] == "0100109106"


def test_wrong_pkce_verifier_is_refused_by_the_provider(oidc_settings):
    request = start_authorization(oidc_settings, REDIRECT)
    callback = pick_identity(request.url, 0)
    with pytest.raises(IdentityRefused):
        finish_authorization(
            oidc_settings,
            REDIRECT,
            callback,
            state=request.state,
            nonce=request.nonce,
            code_verifier="a-different-verifier-" + "x" * 40,
        )


def test_state_from_another_attempt_is_refused(oidc_settings):
    first = start_authorization(oidc_settings, REDIRECT)
    second = start_authorization(oidc_settings, REDIRECT)
    callback = pick_identity(second.url, 0)
    with pytest.raises(IdentityRefused, match="hết hạn"):
        finish_authorization(
            oidc_settings,
            REDIRECT,
            callback,
            state=first.state,
            nonce=first.nonce,
            code_verifier=first.code_verifier,
        )


def test_tampered_id_token_is_refused(oidc_settings, provider):
    def swap_payload(token: str) -> str:
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["SoDinhDanh"] = "001195099999"
        return ".".join([header, b64(json.dumps(claims).encode()), signature])

    provider.set_id_token_filter(swap_payload)
    request = start_authorization(oidc_settings, REDIRECT)
    with pytest.raises(IdentityRefused, match="không hợp lệ"):
        finish_authorization(
            oidc_settings,
            REDIRECT,
            pick_identity(request.url, 0),
            state=request.state,
            nonce=request.nonce,
            code_verifier=request.code_verifier,
        )


def test_cancel_on_the_provider_page_is_reported(oidc_settings):
    request = start_authorization(oidc_settings, REDIRECT)
    params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    answer = requests.post(
        request.url.split("?")[0], data={**params, "cancel": "1"}, allow_redirects=False
    )
    callback = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    with pytest.raises(IdentityRefused, match="huỷ"):
        finish_authorization(
            oidc_settings,
            REDIRECT,
            callback,
            state=request.state,
            nonce=request.nonce,
            code_verifier=request.code_verifier,
        )


KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
JWKS = {"keys": [KEY.as_dict(private=False)]}
GOOD = {"iss": "https://idp", "aud": "motcua", "sub": "s1", "nonce": "n1"}


def signed(claims: dict, key: RSAKey = KEY) -> str:
    body = {"iat": int(time.time()), "exp": int(time.time()) + 300, **claims}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, body, key, algorithms=["RS256"])


def check(token: str) -> dict:
    return validate_id_token(token, jwks=JWKS, issuer="https://idp", client_id="motcua", nonce="n1")


def test_a_correct_id_token_passes():
    assert check(signed(GOOD))["sub"] == "s1"


@pytest.mark.parametrize(
    "change",
    [
        {"iss": "https://evil"},
        {"aud": "another-client"},
        {"nonce": "replayed"},
        {"exp": int(time.time()) - 3600},
    ],
    ids=["issuer", "audience", "nonce", "expired"],
)
def test_id_token_with_a_wrong_claim_is_refused(change):
    with pytest.raises(IdentityRefused):
        check(signed({**GOOD, **change}))


def test_id_token_signed_by_another_key_is_refused():
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    with pytest.raises(IdentityRefused):
        check(signed(GOOD, stranger))


def test_unsigned_id_token_is_refused():
    claims = {**GOOD, "exp": int(time.time()) + 60}
    header = b64(json.dumps({"alg": "none"}).encode())
    token = f"{header}.{b64(json.dumps(claims).encode())}."
    with pytest.raises(IdentityRefused):
        check(token)
