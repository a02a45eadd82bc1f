"""The full OIDC round trip through the portal against the sandbox provider over real HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.vneid.sandbox import OidcSandbox
from engine.errors import InvalidInput
from engine.users.models import User
from engine.users.national_identity import identity_from_claims


@pytest.fixture(scope="module")
def provider():
    sandbox = OidcSandbox().start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def national_sso(provider, monkeypatch):
    for name, value in provider.environment.items():
        monkeypatch.setenv(name, value)
    provider.set_id_token_filter(None)
    yield provider
    provider.set_id_token_filter(None)


def sign_in_as(client, identity: int, start: str = "/dang-nhap/vneid"):
    """Portal -> provider page (requests) -> pick identity -> back to the portal's callback."""
    answer = client.get(start)
    assert answer.status_code == 302
    authorize_url = answer.headers["Location"]
    page = requests.get(authorize_url, timeout=5)
    assert "Đăng nhập bằng tài khoản định danh điện tử" in page.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    picked = requests.post(
        authorize_url.split("?")[0],
        data={**params, "identity": str(identity)},
        allow_redirects=False,
        timeout=5,
    )
    callback = urlsplit(picked.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_login_page_offers_the_national_sign_in(client, national_sso):
    assert "Đăng nhập bằng tài khoản định danh điện tử" in client.get("/dang-nhap").get_data(
        as_text=True
    )


def test_first_sign_in_creates_a_citizen_account(client, national_sso, session_factory, demo):
    answer = sign_in_as(client, 1)
    assert answer.status_code == 302
    user = users(session_factory, id_number="001195012345")[0]
    assert (user.kind, user.full_name, user.email) == (
        "citizen",
        "Trần Thị Mai",
        "mai.tran@example.vn",
    )
    assert user.email_verified_at is not None
    assert "Trần Thị Mai" in client.get("/").get_data(as_text=True)

    client.post("/dang-xuat", data={"csrf_token": _token(client)})
    sign_in_as(client, 1)
    assert len(users(session_factory, id_number="001195012345")) == 1


def test_links_the_existing_account_by_id_number(client, national_sso, session_factory, demo):
    sign_in_as(client, 0)
    accounts = users(session_factory, id_number="074090001234")
    assert [a.username for a in accounts] == ["congdan"]
    assert client.get("/ho-so-cua-toi").status_code == 200


def test_organisation_signs_in_as_the_organisation(client, national_sso, session_factory, demo):
    sign_in_as(client, 2, start="/dang-nhap/vneid?next=/thu-tuc/DKKS")
    organisation = users(session_factory, kind="organisation")[0]
    assert organisation.id_number == "0100109106"
    assert organisation.full_name == "Công ty TNHH Thương mại Phú Cường"
    assert "Công ty TNHH Thương mại Phú Cường" in client.get("/").get_data(as_text=True)


def test_tampered_id_token_is_refused_and_nobody_signs_in(
    client, national_sso, session_factory, demo
):
    national_sso.set_id_token_filter(
        lambda token: token[:-6] + ("AAAAAA" if token[-6:] != "AAAAAA" else "BBBBBB")
    )
    answer = sign_in_as(client, 1)
    assert answer.status_code == 302
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert "Thông tin đăng nhập từ Cổng định danh không hợp lệ" in page
    assert len(users(session_factory, id_number="001195012345")) == 0
    assert client.get("/ho-so-cua-toi").status_code == 302


def test_callback_without_a_started_sign_in_is_refused(client, national_sso):
    answer = client.get("/dang-nhap/vneid/callback?code=abc&state=xyz", follow_redirects=True)
    assert "đã hết hạn" in answer.get_data(as_text=True)


def test_claims_with_a_bad_id_number_are_refused():
    with pytest.raises(InvalidInput):
        identity_from_claims({"LoaiTaiKhoan": "1", "SoDinhDanh": "123", "HoVaTen": "X"})
    with pytest.raises(InvalidInput):
        identity_from_claims(
            {"LoaiTaiKhoan": "2", "SoDinhDanh": "079088004321", "MaSoThue": "0100109107"}
        )


def users(session_factory, **filters) -> list[User]:
    """Read in a short session: SQLite's BEGIN IMMEDIATE would otherwise block the app."""
    with session_factory() as session:
        return session.query(User).filter_by(**filters).all()


def _token(client) -> str:
    import re

    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
