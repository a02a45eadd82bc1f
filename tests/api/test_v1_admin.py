"""API v1 administration: agencies, officers and procedure packages, each change the same as on
the admin pages (visible there, audited); an administrator acts only within their subtree."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from engine.agencies.models import Agency
from engine.api_clients.personal_tokens import create_personal_token
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.procedures.models import Procedure, ProcedureDraft
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password
from tests.api.test_v1_credentials import audit, bearer, client_key
from tests.api.test_v1_dossiers import signed_in
from tests.conftest import Browser
from tests.unit.engine.procedures.test_drafts import new_procedure_package
from tests.unit.webapp.test_admin_publish import broken_bpmn

NEW_CODE = "000.00.20.H25.01"


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def user_id(session_factory, username: str) -> int:
    with session_factory() as session:
        return session.scalar(select(User.id).where(User.username == username))


def personal_token(demo, session_factory, username: str) -> dict:
    with session_factory() as session, transaction(session):
        token = create_personal_token(session, demo.actor(username), name="api")[1]
    return bearer(token)


def partner_admin(demo, session_factory) -> dict:
    """Y's administrator (the partner ward), and their token."""
    partner = agency_id(session_factory, PARTNER_WARD_CODE)
    with session_factory() as session, transaction(session):
        user = User(
            username="quantricn",
            full_name="Ngô Thị Yến",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        user.roles = [RoleAssignment(role="admin", agency_id=partner)]
        session.add(user)
    return personal_token(demo, session_factory, "quantricn")


def package_zip(code: str = "9.900001", bpmn: bytes | None = None) -> bytes:
    files = dict(new_procedure_package(code).files)
    if bpmn is not None:
        files["process.bpmn"] = bpmn.replace(b"1.001193", code.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_administrator_declares_edits_retires_and_restores_a_unit(app, demo, session_factory):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    body = {"code": NEW_CODE, "name": "Bộ phận một cửa", "level": "department", "parent_id": ward}
    created = api.post("/api/v1/admin/agencies/", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    unit = created.get_json()
    assert (unit["code"], unit["parent_id"], unit["is_active"]) == (NEW_CODE, ward, True)
    page = signed_in(app, "quantri").get("/quan-tri/co-quan").get_data(as_text=True)
    assert "Bộ phận một cửa" in page
    assert [e.target for e in audit(session_factory, "agency_created")][-1] == f"agency:{NEW_CODE}"

    listed = api.get("/api/v1/admin/agencies/", headers=admin).get_json()["items"]
    assert {a["code"] for a in listed} == {WARD_CODE, NEW_CODE}
    renamed = api.patch(
        f"/api/v1/admin/agencies/{unit['id']}", json={"name": "Bộ phận TN&TKQ"}, headers=admin
    )
    assert renamed.status_code == 200
    assert (renamed.get_json()["name"], renamed.get_json()["code"]) == ("Bộ phận TN&TKQ", NEW_CODE)
    assert audit(session_factory, "agency_updated")[-1].details == {"name": "Bộ phận TN&TKQ"}

    parent_refused = api.post(f"/api/v1/admin/agencies/{ward}/retire", json={}, headers=admin)
    assert parent_refused.status_code == 409
    retired = api.post(
        f"/api/v1/admin/agencies/{unit['id']}/retire", json={"reason": "Sáp nhập"}, headers=admin
    )
    assert retired.status_code == 200 and retired.get_json()["is_active"] is False
    restored = api.post(f"/api/v1/admin/agencies/{unit['id']}/restore", headers=admin)
    assert restored.status_code == 200 and restored.get_json()["is_active"] is True
    assert [e.details for e in audit(session_factory, "agency_retired")] == [{"reason": "Sáp nhập"}]


def test_bad_unit_changes_nothing(app, demo, session_factory):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    bad = {"code": "?", "name": " ", "level": "commune", "parent_id": ward}
    refused = api.post("/api/v1/admin/agencies/", json=bad, headers=admin)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"code", "name"}
    typed = api.post("/api/v1/admin/agencies/", json={"code": NEW_CODE}, headers=admin)
    assert typed.status_code == 422
    assert {"name", "level", "parent_id"} <= set(typed.get_json()["error"]["fields"])
    top = {"code": NEW_CODE, "name": "Tỉnh mới", "level": "province", "parent_id": None}
    assert api.post("/api/v1/admin/agencies/", json=top, headers=admin).status_code == 403
    with session_factory() as session:
        assert session.scalar(select(Agency).where(Agency.code == NEW_CODE)) is None
    assert audit(session_factory, "agency_created") == []


def test_administrator_of_another_ward_is_refused(app, demo, session_factory):
    api, stranger = app.test_client(), partner_admin(demo, session_factory)
    ward = agency_id(session_factory, WARD_CODE)
    clerk = user_id(session_factory, "thuly")
    assert api.get(f"/api/v1/admin/agencies/{ward}", headers=stranger).status_code == 404
    moved = api.patch(f"/api/v1/admin/agencies/{ward}", json={"name": "X"}, headers=stranger)
    assert moved.status_code == 404
    assert api.post(f"/api/v1/admin/agencies/{ward}/retire", headers=stranger).status_code == 404
    assert api.get(f"/api/v1/admin/officers/{clerk}", headers=stranger).status_code == 404
    locked = api.post(f"/api/v1/admin/officers/{clerk}/deactivate", json={}, headers=stranger)
    assert locked.status_code == 404
    renamed = api.patch(
        f"/api/v1/admin/officers/{clerk}", json={"full_name": "X"}, headers=stranger
    )
    assert renamed.status_code == 404
    names = {
        o["username"]
        for o in api.get("/api/v1/admin/officers/", headers=stranger).get_json()["items"]
    }
    assert names == {"thulycn", "quantricn"}
    agencies = api.get("/api/v1/admin/agencies/", headers=stranger).get_json()["items"]
    assert [a["code"] for a in agencies] == [PARTNER_WARD_CODE]
    with session_factory() as session:
        assert session.get(Agency, ward).name == "UBND phường Phú Cường"
        assert session.get(User, clerk).is_active is True


def test_officers_and_citizens_are_refused_as_on_the_admin_pages(app, demo, session_factory):
    ward = agency_id(session_factory, WARD_CODE)
    for username in ("motcua", "lanhdao", "congdan"):
        client = signed_in(app, username)
        assert client.get("/quan-tri/co-quan").status_code == 403, username
        for path in ("agencies/", f"agencies/{ward}", "officers/", "procedures/"):
            answer = client.get(f"/api/v1/admin/{path}")
            assert answer.status_code == 403, (username, path)
            assert answer.get_json()["error"]["code"] == "forbidden"
    assert app.test_client().get("/api/v1/admin/officers/").status_code == 401


def test_administrator_creates_edits_and_deactivates_an_officer(app, demo, session_factory):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    body = {
        "username": "motcua3",
        "full_name": "Nguyễn Thị Hoa",
        "email": "hoa@phucuong.gov.vn",
        "password": "Tiep-nhan-2026-ho-so!",
        "role": "reception",
        "agency_id": ward,
    }
    created = api.post("/api/v1/admin/officers/", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    officer = created.get_json()
    assert "password" not in officer
    assert [(r["role"], r["agency_id"]) for r in officer["roles"]] == [("reception", ward)]
    assert "Nguyễn Thị Hoa" in signed_in(app, "quantri").get("/quan-tri/can-bo").get_data(
        as_text=True
    )
    assert Browser(app.test_client()).login("motcua3", body["password"]).status_code == 302
    with session_factory() as session:
        stored = session.get(User, officer["id"])
        assert stored.kind == "officer" and stored.password_hash.startswith("$argon2")
    assert audit(session_factory, "officer_created")[-1].details == {
        "role": "reception",
        "agency_id": ward,
    }

    again = api.post("/api/v1/admin/officers/", json=body, headers=admin)
    assert again.status_code == 422 and "username" in again.get_json()["error"]["fields"]

    changed = api.patch(
        f"/api/v1/admin/officers/{officer['id']}", json={"phone": "0912 000 111"}, headers=admin
    )
    assert changed.status_code == 200
    assert (changed.get_json()["phone"], changed.get_json()["full_name"]) == (
        "0912000111",
        "Nguyễn Thị Hoa",
    )
    granted = api.post(
        f"/api/v1/admin/officers/{officer['id']}/roles",
        json={"role": "processing", "agency_id": ward},
        headers=admin,
    )
    assert granted.status_code == 201 and granted.get_json()["role_label"] == "Cán bộ thụ lý"
    twice = api.post(
        f"/api/v1/admin/officers/{officer['id']}/roles",
        json={"role": "processing", "agency_id": ward},
        headers=admin,
    )
    assert twice.status_code == 409
    removed = api.delete(
        f"/api/v1/admin/officers/{officer['id']}/roles/{granted.get_json()['id']}", headers=admin
    )
    assert removed.status_code == 204

    locked = api.post(
        f"/api/v1/admin/officers/{officer['id']}/deactivate",
        json={"reason": "Nghỉ việc"},
        headers=admin,
    )
    assert locked.status_code == 200
    assert locked.get_json() == {"id": officer["id"], "is_active": False, "tasks_handed_back": 0}
    active = api.get("/api/v1/admin/officers/", query_string={"active": "false"}, headers=admin)
    assert [o["username"] for o in active.get_json()["items"]] == ["motcua3"]
    reopened = api.post(f"/api/v1/admin/officers/{officer['id']}/reactivate", headers=admin)
    assert reopened.status_code == 200 and reopened.get_json()["is_active"] is True
    assert (
        api.post(f"/api/v1/admin/officers/{officer['id']}/reactivate", headers=admin).status_code
        == 409
    )
    actions = {e.action for e in audit(session_factory, "user_deactivated")} | {
        e.action for e in audit(session_factory, "role_granted")
    }
    assert actions == {"user_deactivated", "role_granted"}


def test_package_upload_keeps_a_valid_draft_and_publishes_it(app, demo, session_factory):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    uploaded = api.post(
        "/api/v1/admin/procedures/drafts/",
        data={"package": (io.BytesIO(package_zip()), "khai-sinh.zip"), "agency_id": str(ward)},
        content_type="multipart/form-data",
        headers=admin,
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    draft = uploaded.get_json()
    assert (draft["code"], draft["agency_id"]) == ("9.900001", ward)
    page = signed_in(app, "quantri").get("/quan-tri/").get_data(as_text=True)
    assert "9.900001" in page
    drafts = api.get("/api/v1/admin/procedures/drafts/", headers=admin).get_json()["items"]
    assert [d["id"] for d in drafts] == [draft["id"]]

    published = api.post(f"/api/v1/admin/procedures/drafts/{draft['id']}/publish", headers=admin)
    assert published.status_code == 201, published.get_json()
    assert (published.get_json()["procedure_code"], published.get_json()["number"]) == (
        "9.900001",
        1,
    )
    shown = api.get("/api/v1/admin/procedures/9.900001", headers=admin).get_json()
    assert shown["procedure"]["agency_id"] == ward
    assert [(v["number"], v["dossiers"]) for v in shown["versions"]] == [(1, 0)]
    catalogue = api.get("/api/v1/admin/procedures/", headers=admin).get_json()["items"]
    assert {"1.001193", "9.900001"} <= {p["code"] for p in catalogue}
    assert [e.action for e in audit(session_factory, "procedure_published")] == [
        "procedure_published"
    ]


def test_invalid_package_answers_422_with_its_problems_and_stores_nothing(
    app, demo, session_factory
):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    refused = api.post(
        "/api/v1/admin/procedures/drafts/",
        data={
            "package": (io.BytesIO(package_zip(bpmn=broken_bpmn())), "p.zip"),
            "agency_id": str(ward),
        },
        content_type="multipart/form-data",
        headers=admin,
    )
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert "chưa được công bố" in error["message"]["vi"]
    problems = error["fields"]["package"]
    assert "End" in {p["element_id"] for p in problems}
    assert all(p["vi"] and p["en"] for p in problems)
    not_a_zip = api.post(
        "/api/v1/admin/procedures/drafts/",
        data={"package": (io.BytesIO(b"PK no"), "p.zip")},
        content_type="multipart/form-data",
        headers=admin,
    )
    assert not_a_zip.status_code == 422
    assert not_a_zip.get_json()["error"]["fields"] == {
        "package": ["Tệp tải lên không phải tệp nén .zip hợp lệ."]
    }
    with session_factory() as session:
        assert session.scalars(select(ProcedureDraft)).all() == []
        assert session.scalar(select(Procedure).where(Procedure.code == "9.900001")) is None


def test_drafts_of_another_ward_are_not_found(app, demo, session_factory):
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    draft = api.post(
        "/api/v1/admin/procedures/drafts/",
        data={"package": (io.BytesIO(package_zip()), "p.zip"), "agency_id": str(ward)},
        content_type="multipart/form-data",
        headers=admin,
    ).get_json()
    stranger = partner_admin(demo, session_factory)
    assert (
        api.get(f"/api/v1/admin/procedures/drafts/{draft['id']}", headers=stranger).status_code
        == 404
    )
    publish = api.post(f"/api/v1/admin/procedures/drafts/{draft['id']}/publish", headers=stranger)
    assert publish.status_code == 404
    assert (
        api.delete(f"/api/v1/admin/procedures/drafts/{draft['id']}", headers=stranger).status_code
        == 404
    )
    assert api.get("/api/v1/admin/procedures/drafts/", headers=stranger).get_json()["items"] == []
    assert (
        api.delete(f"/api/v1/admin/procedures/drafts/{draft['id']}", headers=admin).status_code
        == 204
    )


def test_a_key_with_the_admin_scope_administers_its_agencies(app, demo, session_factory):
    api = app.test_client()
    ward = agency_id(session_factory, WARD_CODE)
    key = bearer(client_key(demo, session_factory, ["admin:read", "admin:write"]))
    body = {"code": NEW_CODE, "name": "Tổ một cửa", "level": "department", "parent_id": ward}
    assert api.post("/api/v1/admin/agencies/", json=body, headers=key).status_code == 201
    entry = audit(session_factory, "agency_created")[-1]
    assert entry.actor_id is None and entry.actor_name.startswith("Khóa API")
    province = agency_id(session_factory, "000.00.00.H25")
    assert api.get(f"/api/v1/admin/agencies/{province}", headers=key).status_code == 404
    reader = bearer(client_key(demo, session_factory, ["admin:read"]))
    assert api.get("/api/v1/admin/officers/", headers=reader).status_code == 200
    denied = api.post("/api/v1/admin/agencies/", json=body, headers=reader)
    assert (
        denied.status_code == 403 and "admin:write" in denied.get_json()["error"]["message"]["en"]
    )
    lane_only = bearer(client_key(demo, session_factory, ["tasks:read"]))
    assert api.get("/api/v1/admin/officers/", headers=lane_only).status_code == 403


def test_a_nul_character_is_refused_not_a_server_error(app, demo, session_factory, is_postgres):
    """PostgreSQL cannot store U+0000 (SQLite can): a 422, never a 500, and nothing stored."""
    api, admin = app.test_client(), personal_token(demo, session_factory, "quantri")
    ward = agency_id(session_factory, WARD_CODE)
    body = {"code": NEW_CODE, "name": "Tổ\x00một cửa", "level": "department", "parent_id": ward}
    answer = api.post("/api/v1/admin/agencies/", json=body, headers=admin)
    if not is_postgres:
        assert answer.status_code == 201
        return
    assert answer.status_code == 422
    assert "NUL" in answer.get_json()["error"]["message"]["en"]
    assert api.get("/api/v1/admin/procedures/1.001193%00", headers=admin).status_code == 404
    assert audit(session_factory, "agency_created") == []
