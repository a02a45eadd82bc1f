"""Bearer tokens in the engine: what a token becomes, when it is refused, what a key may do,
and who reads a key's uses in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.api_clients.authentication import (
    CredentialRefused,
    authenticate_bearer,
    record_key_use,
)
from engine.api_clients.client_keys import NewClientKey, create_client_key
from engine.api_clients.personal_tokens import create_personal_token, revoke_personal_token
from engine.api_clients.scopes import SCOPES, scope_for
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.errors import Forbidden, InvalidInput
from engine.timestamps import utcnow
from engine.users.audit_log import AuditFilters, list_audit_entries
from engine.users.models import User


def agency(session, code: str) -> int:
    return session.scalar(select(Agency.id).where(Agency.code == code))


def issue_key(session_factory, admin, code: str, scopes=("tasks:read",), **kwargs):
    with session_factory() as session, transaction(session):
        details = NewClientKey("Tích hợp", tuple(scopes), (agency(session, code),), **kwargs)
        return create_client_key(session, admin, details).token


def test_a_read_needs_read_and_every_other_method_write():
    assert scope_for("dossiers", "GET") == "dossiers:read"
    assert scope_for("dossiers", "HEAD") == "dossiers:read"
    assert scope_for("tasks", "POST") == "tasks:write"
    assert scope_for("tasks", "DELETE") in SCOPES


def test_a_key_acts_as_its_agencies_with_its_scopes_only(demo, session_factory):
    token = issue_key(session_factory, demo.actor("quantritinh"), WARD_CODE)
    with session_factory() as session:
        credential = authenticate_bearer(session, token)
        ward = agency(session, WARD_CODE)
    actor = credential.actor
    assert actor.user_id is None and actor.is_signed_in and actor.api_client_id
    assert actor.agency_ids == {ward}
    assert "admin" not in actor.roles
    assert credential.allows("tasks:read") and not credential.allows("tasks:write")
    assert not credential.allows(None)


def test_a_key_with_an_admin_scope_administers_its_agencies_only(demo, session_factory):
    token = issue_key(session_factory, demo.actor("quantritinh"), WARD_CODE, ("admin:read",))
    with session_factory() as session:
        actor = authenticate_bearer(session, token).actor
        ward = agency(session, WARD_CODE)
    assert actor.agencies_for("admin") == {ward}
    assert actor.agencies_for("reception") == {ward}


def test_a_personal_token_acts_as_its_owner_until_revoked_or_disabled(demo, session_factory):
    owner = demo.actor("thuly")
    with session_factory() as session, transaction(session):
        row, token = create_personal_token(session, owner, name="báo cáo")
    with session_factory() as session:
        credential = authenticate_bearer(session, token)
    assert credential.actor == owner and credential.scopes is None and credential.key is None
    assert credential.allows("anything:write")

    with session_factory() as session, transaction(session):
        session.get(User, owner.user_id).is_active = False
    with session_factory() as session, pytest.raises(CredentialRefused) as refused:
        authenticate_bearer(session, token)
    assert refused.value.reason == "inactive"

    with session_factory() as session, transaction(session):
        session.get(User, owner.user_id).is_active = True
        revoke_personal_token(session, owner, row.id)
    with session_factory() as session, pytest.raises(CredentialRefused) as refused:
        authenticate_bearer(session, token)
    assert refused.value.reason == "revoked"


def test_expired_tampered_and_foreign_tokens_are_refused(demo, session_factory):
    token = issue_key(session_factory, demo.actor("quantritinh"), WARD_CODE, expires_on="")
    with session_factory() as session:
        authenticate_bearer(session, token)
        later = utcnow() + timedelta(days=1)
        assert authenticate_bearer(session, token, now=later).key is not None
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "mc_pat_x", "ghp_abc", ""):
        with session_factory() as session, pytest.raises(CredentialRefused) as refused:
            authenticate_bearer(session, wrong)
        assert refused.value.reason == "unknown"

    dated = issue_key(
        session_factory, demo.actor("quantritinh"), WARD_CODE, expires_on="01/01/2099"
    )
    with session_factory() as session, pytest.raises(CredentialRefused) as refused:
        authenticate_bearer(session, dated, now=utcnow().replace(year=2099, month=1, day=3))
    assert refused.value.reason == "expired" and refused.value.key is not None


def test_keys_need_an_administrator_valid_scopes_and_a_future_expiry(demo, session_factory):
    with session_factory() as session, pytest.raises(Forbidden):
        create_client_key(
            session,
            demo.actor("thuly"),
            NewClientKey("x", ("tasks:read",), (agency(session, WARD_CODE),)),
        )
    with session_factory() as session, pytest.raises(InvalidInput) as invalid:
        create_client_key(
            session,
            demo.actor("quantritinh"),
            NewClientKey("x", ("admin:everything",), (), expires_on="01/01/2000"),
        )
    assert set(invalid.value.field_errors) == {"scopes", "agency_ids", "expires_on"}


def test_administrators_of_the_keys_agencies_read_its_uses(demo, session_factory):
    ward_key = issue_key(session_factory, demo.actor("quantritinh"), WARD_CODE)
    partner_key = issue_key(session_factory, demo.actor("quantritinh"), PARTNER_WARD_CODE)
    for token in (ward_key, partner_key):
        with session_factory() as session, transaction(session):
            key = authenticate_bearer(session, token).key
            record_key_use(
                session, key, method="GET", endpoint="api_v1_tasks.inbox", path="/", status=200
            )
    with session_factory() as session:
        page = list_audit_entries(
            session, demo.actor("quantri"), AuditFilters(action="api_key_used")
        )
    assert [entry.target for entry in page.entries] == [f"api_key:{ward_key[:16]}"]
