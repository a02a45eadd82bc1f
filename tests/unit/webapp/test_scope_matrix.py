"""Every endpoint of the URL map × every kind of visitor: who is let in and who is refused.

The expected outcomes live in `scope_matrix.py` beside this file. The world is built once for
the module: agency X (the demo ward) and Y (the partner ward), citizen A's dossier in X with its
reception task, a file, a personal document and a draft of A, a procedure draft of X's
administrator. Reads are requested by every role; state-changing methods only by the roles that
must be refused (with a valid CSRF token, so the refusal is the scope check's).
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import make_session_factory, transaction
from engine.demo import PARTNER_WARD_CODE, load_demo_data
from engine.documents_store.store import add_personal_document
from engine.dossiers.drafts import save_draft as save_dossier_draft
from engine.dossiers.results import attach_result_file
from engine.files.storage import FolderStorage
from engine.files.uploads import store_upload
from engine.notifications.templates import EVENTS
from engine.procedures.drafts import save_draft as save_procedure_draft
from engine.users.actor import load_actor
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password
from tests.conftest import CSRF_FIELD, _empty_all_tables
from tests.factories import KHAI_SINH, open_task, submit
from tests.unit.engine.procedures.test_drafts import new_procedure_package
from tests.unit.webapp.scope_matrix import (
    ALLOW,
    LOGIN,
    MATRIX,
    PROCEDURE_CODE,
    READ_METHODS,
    ROLES,
    USERNAMES,
)

#: citizen A's ID number and phone (tests.factories.birth_application)
APPLICANT_SECRETS = ("074090001234", "0912345678")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def endpoint_keys(app) -> set[tuple[str, str]]:
    """(method, endpoint) for every rule of the URL map, HEAD and OPTIONS aside."""
    return {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


@pytest.fixture(scope="module")
def world(database_url, db_engine, tmp_path_factory):
    """The app, one signed-in client per role, and the values URL parameters are filled with."""
    from webapp import create_app

    files_dir = tmp_path_factory.mktemp("scope-files")
    factory = make_session_factory(db_engine)
    values = _build_world(factory, FolderStorage(files_dir))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MOTCUA_FILES_DIR": str(files_dir),
        }
    )
    clients = {role: _signed_in_client(app, USERNAMES[role]) for role in ROLES}
    yield app, clients, values
    with app.app_context():
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()
    _empty_all_tables(db_engine)


def _build_world(factory, storage) -> dict:
    with factory() as session, transaction(session):
        load_demo_data(session)
        partner = session.scalar(select(Agency).where(Agency.code == PARTNER_WARD_CODE))
        _add_user(session, "congdanb", "Trần Văn Bảo", "citizen", id_number="079090009999")
        _add_user(session, "quantricn", "Ngô Thị Yến", "officer", roles=[("admin", partner.id)])
    actors = {}
    with factory() as session:
        for name in ("congdan", "quantri", "thuly"):
            user = session.scalar(select(User).where(User.username == name))
            actors[name] = load_actor(session, user.id)
    dossier_id, code = submit(factory, actors["congdan"])
    task = open_task(factory, dossier_id)
    with factory() as session, transaction(session):
        citizen = actors["congdan"]
        file_id = store_upload(
            session, citizen, storage, filename="giay.pdf", content=PDF, dossier_id=dossier_id
        ).id
        document_id = add_personal_document(
            session, citizen, storage, title="CCCD", filename="cccd.pdf", content=PDF + b" "
        ).id
        dossier_draft_id = save_dossier_draft(session, citizen, KHAI_SINH, {}, {}).id
        ward_id = _ward_id(session)
        procedure_draft_id = save_procedure_draft(
            session, actors["quantri"], new_procedure_package(), agency_id=ward_id
        ).id
        result_document_id = attach_result_file(
            session,
            actors["thuly"],
            storage,
            code,
            title="Giấy khai sinh (dự thảo)",
            upload=("ket-qua.pdf", PDF + b"  "),
        ).id
        officer = session.scalar(select(User).where(User.username == "thuly"))
        assignment_id = officer.roles[0].id
    return {
        "code": code,
        "procedure_code": KHAI_SINH,
        "task_id": task.id,
        "file_id": file_id,
        "document_id": document_id,
        "result_document_id": result_document_id,
        "dossier_draft_id": dossier_draft_id,
        "draft_id": procedure_draft_id,
        "user_id": actors["thuly"].user_id,
        "assignment_id": assignment_id,
        "agency_id": ward_id,
        "event": EVENTS[0].name,
        "number": 1,
        "document_code": "to_khai",
        "kind": "xlsx",
        "provider": "vnpay",
        # ids of things the world does not hold: the scope check must answer before the lookup
        "request_id": 999999,
        "link_id": 999999,
        "message_id": 999999,
        "change_id": 999999,
        "override_id": 999999,
        "setting_id": 999999,
        "key_id": 999999,
        "token_id": 999999,
        "lookup_code": "KHONGCO",
        "token": "khong-hop-le",
    }


def _ward_id(session) -> int:
    from engine.demo import WARD_CODE

    return session.scalar(select(Agency.id).where(Agency.code == WARD_CODE))


def _add_user(session, username, full_name, kind, *, id_number=None, roles=()) -> None:
    user = User(
        username=username,
        full_name=full_name,
        kind=kind,
        id_number=id_number,
        password_hash=hash_password("motcua2026"),
    )
    user.roles = [RoleAssignment(role=role, agency_id=agency_id) for role, agency_id in roles]
    session.add(user)
    session.flush()


def _signed_in_client(app, username: str | None):
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = CSRF_FIELD.search(page).group(1)
    if username:
        answer = client.post(
            "/dang-nhap", data={"username": username, "password": "motcua2026", "csrf_token": token}
        )
        assert answer.status_code == 302, f"{username} could not sign in"
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = CSRF_FIELD.search(page).group(1)
    client.csrf_token = token
    return client


def url_for_rule(app, method: str, endpoint: str, values: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
    entry = MATRIX[(method, endpoint)]
    params = {**(PROCEDURE_CODE if endpoint.startswith("admin.") else {}), **entry.params}
    arguments = {name: values[params.get(name, name)] for name in rule.arguments}
    path = rule.build(arguments, append_unknown=False)[1]
    query = {name: value.format(**values) for name, value in entry.query.items()}
    return f"{path}?{urlencode(query)}" if query else path


def observed(response) -> str | int:
    """ALLOW, LOGIN (redirected to sign in) or the refusal's status code."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return LOGIN if re.search(r"/dang-nhap(\?|$)", response.location or "") else ALLOW
    if status in (401, 403, 404, 405):
        return status
    return ALLOW if status < 500 else status


def request_as(client, method: str, path: str, entry):
    if method in READ_METHODS:
        return client.open(path, method=method)
    token = client.csrf_token
    headers = {"X-CSRFToken": token}
    if path.startswith("/api/"):
        return client.open(path, method=method, json=entry.json, headers=headers)
    data = {"csrf_token": token, **entry.form}
    data.update({name: (io.BytesIO(PDF), "giay.pdf") for name in entry.files})
    return client.open(path, method=method, data=data, headers=headers)


def test_every_endpoint_has_an_entry(world):
    app = world[0]
    missing = sorted(endpoint_keys(app) - MATRIX.keys())
    assert not missing, (
        "endpoints without an entry in tests/unit/webapp/scope_matrix.py: "
        + ", ".join(f"{method} {endpoint}" for method, endpoint in missing)
    )


def test_no_entry_is_stale(world):
    app = world[0]
    stale = sorted(MATRIX.keys() - endpoint_keys(app))
    assert not stale, f"entries for endpoints that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(world, role):
    app, clients, values = world
    client = clients[role]
    wrong = []
    for (method, endpoint), entry in sorted(MATRIX.items()):
        if entry.public or (method, endpoint) not in endpoint_keys(app):
            continue
        expected = entry.outcomes[role]
        if method not in READ_METHODS and expected == ALLOW:
            continue
        path = url_for_rule(app, method, endpoint, values)
        response = request_as(client, method, path, entry)
        got = observed(response)
        if got != expected:
            wrong.append(f"{method} {path} ({endpoint}): expected {expected}, got {got}")
        elif role in entry.hides and values["code"] in response.get_data(as_text=True):
            wrong.append(f"{method} {path} ({endpoint}): shows dossier {values['code']}")
        elif role in entry.conceals and any(
            secret in response.get_data(as_text=True) for secret in APPLICANT_SECRETS
        ):
            wrong.append(f"{method} {path} ({endpoint}): shows the applicant's personal data")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
