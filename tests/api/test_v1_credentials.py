"""API v1 with bearer tokens: personal tokens act as their owner; client keys only within their
scopes and agencies; anonymous or bad credentials answer 401; each key's use is audited."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from engine.agencies.models import Agency
from engine.api_clients.client_keys import NewClientKey, create_client_key
from engine.api_clients.models import ApiClientKey, PersonalToken
from engine.api_clients.tokens import secret_hash
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.timestamps import utcnow
from engine.users.admin_audit import AdminAuditEntry
from tests.api.test_v1_dossiers import signed_in, submitted_code
from tests.conftest import Browser

SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def client_key(demo, session_factory, scopes, agency_code=WARD_CODE, **kwargs) -> str:
    admin = demo.actor("quantritinh")
    with session_factory() as session, transaction(session):
        agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
        issued = create_client_key(
            session,
            admin,
            NewClientKey("Cổng DVC quốc gia", tuple(scopes), (agency_id,)),
            **kwargs,
        )
        return issued.token


def audit(session_factory, action: str) -> list[AdminAuditEntry]:
    with session_factory() as session:
        query = select(AdminAuditEntry).where(AdminAuditEntry.action == action)
        return list(session.scalars(query.order_by(AdminAuditEntry.id)))


def test_personal_token_acts_as_its_owner_until_revoked(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    code = submitted_code(citizen)
    browser = Browser(citizen)
    created = browser.submit("/tai-khoan/ma-truy-cap", {"name": "script ở nhà"})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    token = SECRET.search(created.get_data(as_text=True)).group(1)
    assert token.startswith("mc_pat_")

    api = app.test_client()
    mine = api.get("/api/v1/dossiers/", headers=bearer(token))
    assert [item["code"] for item in mine.get_json()["items"]] == [code]
    assert api.get(f"/api/v1/dossiers/{code}", headers=bearer(token)).status_code == 200
    listing = citizen.get("/tai-khoan/ma-truy-cap").get_data(as_text=True)
    assert token not in listing and token[:15] in listing

    with session_factory() as session:
        row = session.scalar(select(PersonalToken))
        assert row.secret_hash == secret_hash(token) and token not in row.secret_hash
        assert row.last_used_at is not None
    browser.submit(f"/tai-khoan/ma-truy-cap/{row.id}/thu-hoi", {}, page="/tai-khoan/ma-truy-cap")
    refused = api.get("/api/v1/dossiers/", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthenticated"
    assert refused.get_json()["error"]["message"]["vi"] == "Mã truy cập đã bị thu hồi."
    assert [e.action for e in audit(session_factory, "personal_token_revoked")] == [
        "personal_token_revoked"
    ]


def test_another_person_cannot_revoke_my_token(app, demo, session_factory):
    owner = Browser(signed_in(app, "congdan"))
    owner.submit("/tai-khoan/ma-truy-cap", {"name": "của tôi"})
    with session_factory() as session:
        token_id = session.scalar(select(PersonalToken.id))
    other = Browser(signed_in(app, "motcua"))
    answer = other.submit(
        f"/tai-khoan/ma-truy-cap/{token_id}/thu-hoi", {}, page="/tai-khoan/ma-truy-cap"
    )
    assert answer.status_code == 404
    with session_factory() as session:
        assert session.get(PersonalToken, token_id).revoked_at is None


def test_anonymous_and_bad_credentials_answer_401_with_a_bearer_challenge(app, demo):
    client = app.test_client()
    anonymous = client.get("/api/v1/tasks/")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.get_json()["error"]["code"] == "unauthenticated"
    for header in ("Bearer mc_live_nothing", "Bearer garbage", "Basic dXNlcjpwdw==", "Bearer "):
        bad = client.get("/api/v1/procedures/", headers={"Authorization": header})
        assert bad.status_code == 401, header
        assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
        assert set(bad.get_json()["error"]["message"]) == {"vi", "en"}
    assert client.get("/api/v1/procedures/").status_code == 200


def test_key_needs_the_scope_of_the_operation(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    token = client_key(demo, session_factory, ["catalogue:read"])
    client = app.test_client()
    assert client.get("/api/v1/procedures/", headers=bearer(token)).status_code == 200
    denied = client.get(f"/api/v1/dossiers/{code}", headers=bearer(token))
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "forbidden"
    assert "dossiers:read" in denied.get_json()["error"]["message"]["en"]
    assert client.get(f"/api/v1/lookup/{code}", headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/openapi.json", headers=bearer(token)).status_code == 200


def test_key_reads_only_its_agencies_dossiers_and_tasks(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    scopes = ["dossiers:read", "tasks:read"]
    ward = client_key(demo, session_factory, scopes, WARD_CODE)
    partner = client_key(demo, session_factory, scopes, PARTNER_WARD_CODE)
    client = app.test_client()

    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(ward)).status_code == 200
    tasks = client.get("/api/v1/tasks/", headers=bearer(ward)).get_json()["items"]
    assert [task["dossier_code"] for task in tasks] == [code]

    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer(partner)).status_code == 404
    assert client.get("/api/v1/tasks/", headers=bearer(partner)).get_json()["items"] == []


def test_expired_and_revoked_keys_answer_401_and_are_audited(app, demo, session_factory):
    expired = client_key(
        demo,
        session_factory,
        ["catalogue:read"],
        now=utcnow() - timedelta(days=3),
    )
    with session_factory() as session, transaction(session):
        key = session.scalar(select(ApiClientKey))
        key.expires_at = utcnow() - timedelta(seconds=1)
    answer = app.test_client().get("/api/v1/procedures/", headers=bearer(expired))
    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"]["en"] == "The access token has expired."
    [entry] = audit(session_factory, "api_key_used")
    assert entry.details["outcome"] == "expired" and entry.details["status"] == 401
    assert entry.actor_id is None and entry.target == f"api_key:{key.prefix}"


def test_every_call_with_a_key_is_audited_and_the_secret_is_not_stored(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    token = client_key(demo, session_factory, ["dossiers:read"])
    client = app.test_client()
    client.get(f"/api/v1/dossiers/{code}", headers=bearer(token))
    client.get("/api/v1/tasks/", headers=bearer(token))
    client.get("/api/v1/dossiers/KHONG-CO", headers=bearer(token))

    uses = audit(session_factory, "api_key_used")
    assert [(u.details["endpoint"], u.details["status"], u.details["outcome"]) for u in uses] == [
        ("api_v1_dossiers.show_dossier", 200, "ok"),
        ("api_v1_tasks.inbox", 403, "forbidden"),
        ("api_v1_dossiers.show_dossier", 404, "not_found"),
    ]
    assert all(u.entry_hash for u in uses), "the uses join the audit hash chain"
    with session_factory() as session:
        key = session.scalar(select(ApiClientKey))
        assert key.secret_hash == secret_hash(token)
        assert key.prefix == token[:16] and key.last_used_at is not None
        stored = [str(value) for value in session.execute(select(ApiClientKey.__table__)).one()]
        assert not any(token in value for value in stored)


def test_openapi_declares_the_bearer_scheme_and_each_scope(client, demo):
    spec = client.get("/api/v1/openapi.json").get_json()
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    show = spec["paths"]["/api/v1/dossiers/{code}"]["get"]
    assert show["x-scope"] == "dossiers:read"
    assert show["security"] == [{"bearerAuth": ["dossiers:read"]}]
    catalogue = spec["paths"]["/api/v1/procedures/"]["get"]
    assert {} in catalogue["security"]
    assert "<code>tasks:read</code>" in client.get("/api/v1/docs").get_data(as_text=True)


def test_every_api_operation_names_its_scope(app):
    from webapp.api_v1.credentials import DOCUMENTATION_ENDPOINTS, required_scope

    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint not in DOCUMENTATION_ENDPOINTS:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert required_scope(rule.endpoint, method), (rule.endpoint, method)


def test_writes_need_csrf_with_a_session_and_the_write_scope_with_a_key(app, demo, session_factory):
    # a write of the dossiers resource that always succeeds: only the CSRF and scope checks answer
    app.add_url_rule(
        "/api/v1/dossiers/_probe",
        endpoint="api_v1_dossiers.probe",
        view_func=lambda: {"ok": True},
        methods=["POST"],
    )
    citizen = signed_in(app, "congdan")
    assert citizen.post("/api/v1/dossiers/_probe", json={}).status_code == 400
    token = citizen.get("/api/csrf").get_json()["csrf_token"]
    with_token = citizen.post("/api/v1/dossiers/_probe", headers={"X-CSRFToken": token})
    assert with_token.status_code == 200

    reader = client_key(demo, session_factory, ["dossiers:read"])
    writer = client_key(demo, session_factory, ["dossiers:write"])
    api = app.test_client()
    denied = api.post("/api/v1/dossiers/_probe", headers=bearer(reader))
    assert denied.status_code == 403
    assert "dossiers:write" in denied.get_json()["error"]["message"]["en"]
    assert api.post("/api/v1/dossiers/_probe", headers=bearer(writer)).status_code == 200
