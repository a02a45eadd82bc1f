"""Quản trị › Khóa API over HTTP: a key is made for the administrator's agencies only, its
secret shown once and stored as a hash; an administrator of another agency neither sees nor
revokes it; creation and revocation are audited; the forms need their CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.api_clients.models import ApiClientKey
from engine.api_clients.tokens import secret_hash
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.users.admin_audit import AdminAuditEntry
from tests.conftest import Browser

PAGE = "/quan-tri/khoa-api"
SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(username)
    return browser


def create(browser: Browser, agency: int, **fields):
    data = {
        "client_name": "Ứng dụng di động",
        "scopes": ["dossiers:read", "tasks:read"],
        "agency_ids": [agency],
        **fields,
    }
    return browser.submit(PAGE, data)


def actions(session_factory) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(select(AdminAuditEntry.action).order_by(AdminAuditEntry.id)))


@pytest.mark.parametrize("username", [None, "thuly", "congdan", "thanhtra"])
def test_only_administrators_reach_the_page(app, demo, username):
    browser = Browser(app.test_client())
    if username:
        browser.login(username)
    assert browser.client.get(PAGE).status_code == 403


def test_key_is_shown_once_and_stored_as_a_hash(app, demo, session_factory):
    admin = signed_in(app, "quantri")
    created = create(admin, agency_id(session_factory, WARD_CODE), expires_on="31/12/2099")
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    token = SECRET.search(created.get_data(as_text=True)).group(1)
    assert token.startswith("mc_live_") and len(token) > 40

    listing = admin.client.get(PAGE).get_data(as_text=True)
    assert token not in listing
    assert token[:16] in listing and "Ứng dụng di động" in listing
    with session_factory() as session:
        key = session.scalar(select(ApiClientKey))
        assert key.secret_hash == secret_hash(token) != token
        assert key.scopes == ["dossiers:read", "tasks:read"]
        assert key.expires_at is not None
    assert actions(session_factory)[-1] == "api_key_created"


def test_an_administrator_gives_only_the_agencies_they_administer(app, demo, session_factory):
    ward_admin = signed_in(app, "quantri")
    refused = create(ward_admin, agency_id(session_factory, PARTNER_WARD_CODE))
    assert refused.status_code == 400
    assert "Chỉ chọn được các đơn vị bạn quản trị." in refused.get_data(as_text=True)
    missing = create(ward_admin, agency_id(session_factory, WARD_CODE), scopes=[], client_name="")
    assert missing.status_code == 400
    with session_factory() as session:
        assert session.scalar(select(ApiClientKey)) is None


def test_administrator_of_another_agency_neither_sees_nor_revokes_the_key(
    app, demo, session_factory
):
    province = signed_in(app, "quantritinh")
    create(province, agency_id(session_factory, PARTNER_WARD_CODE), client_name="Đối tác")
    with session_factory() as session:
        key = session.scalar(select(ApiClientKey))

    ward_admin = signed_in(app, "quantri")
    assert key.prefix not in ward_admin.client.get(PAGE).get_data(as_text=True)
    refused = ward_admin.submit(f"{PAGE}/{key.id}/thu-hoi", {}, page=PAGE)
    assert refused.status_code == 404
    with session_factory() as session:
        assert session.get(ApiClientKey, key.id).revoked_at is None

    revoked = province.submit(f"{PAGE}/{key.id}/thu-hoi", {}, page=PAGE)
    assert revoked.status_code == 302
    with session_factory() as session:
        assert session.get(ApiClientKey, key.id).revoked_at is not None
    assert actions(session_factory)[-2:] == ["api_key_created", "api_key_revoked"]


def test_the_forms_need_their_csrf_token(app, demo, session_factory):
    province = signed_in(app, "quantritinh")
    create(province, agency_id(session_factory, WARD_CODE))
    with session_factory() as session:
        key_id = session.scalar(select(ApiClientKey.id))
    forged = province.client.post(
        PAGE,
        data={"client_name": "Giả mạo", "scopes": ["dossiers:read"], "agency_ids": ["1"]},
    )
    assert forged.status_code == 400
    assert province.client.post(f"{PAGE}/{key_id}/thu-hoi").status_code == 400
    with session_factory() as session:
        assert [key.client_name for key in session.scalars(select(ApiClientKey))] == [
            "Ứng dụng di động"
        ]
        assert session.get(ApiClientKey, key_id).revoked_at is None
