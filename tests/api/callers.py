"""API callers for the write tests: a person's personal token (no cookie, so no CSRF), and the
files and dossiers the tests start from."""

from __future__ import annotations

import io
import json

from engine.api_clients.personal_tokens import create_personal_token
from engine.db import transaction
from engine.documents_store.store import add_personal_document
from engine.dossiers.models import Dossier
from engine.files.storage import FolderStorage
from tests.factories import KHAI_SINH, birth_application

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
#: the birth registration's one required document slot
SLOT_PART = "doc_giay_chung_sinh"


class Caller:
    """A test client that calls /api/v1 with a person's Bearer token."""

    def __init__(self, app, token: str):
        self.client = app.test_client()
        self.token = token

    def _headers(self, key: str | None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self._headers(None))

    def post(self, path: str, body: dict, *, key: str | None = None):
        return self.client.post(f"/api/v1{path}", json=body, headers=self._headers(key))

    def post_multipart(self, path: str, body: dict, files: dict, *, key: str | None = None):
        data = {"payload": json.dumps(body)}
        data.update({part: (io.BytesIO(content), name) for part, (name, content) in files.items()})
        return self.client.post(
            f"/api/v1{path}",
            data=data,
            content_type="multipart/form-data",
            headers=self._headers(key),
        )


def caller(app, demo, session_factory, username: str) -> Caller:
    with session_factory() as session, transaction(session):
        return Caller(app, create_personal_token(session, demo.actor(username), name="test")[1])


def stored_document(app, demo, session_factory, username: str = "congdan") -> int:
    """An entry of the citizen's e-document store, to fill a slot without uploading."""
    storage = FolderStorage(app.config["MOTCUA_FILES_DIR"])
    with session_factory() as session, transaction(session):
        return add_personal_document(
            session,
            demo.actor(username),
            storage,
            title="Giấy chứng sinh",
            filename="chung-sinh.pdf",
            content=PDF,
        ).id


def submission(**overrides) -> dict:
    return {"procedure_code": KHAI_SINH, "data": birth_application(), **overrides}


def submit_with_file(citizen: Caller, *, key: str | None = None) -> str:
    answer = citizen.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", PDF)}, key=key
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["code"]


def dossier_count(session_factory) -> int:
    with session_factory() as session:
        return session.query(Dossier).count()


def second_citizen(app, demo, session_factory) -> Caller:
    """Another citizen (congdanb), who has no business with congdan's dossiers."""
    from engine.users.models import User
    from engine.users.passwords import hash_password

    with session_factory() as session, transaction(session):
        session.add(
            User(
                username="congdanb",
                full_name="Trần Văn Bảo",
                kind="citizen",
                id_number="079090009999",
                password_hash=hash_password("motcua2026"),
            )
        )
    return caller(app, demo, session_factory, "congdanb")


def household_dossier_code(demo, session_factory) -> str:
    """A household-business registration submitted online by congdan; the worker has opened its
    payment of 100.000 đồng."""
    from engine.dossiers.submission import submit_dossier
    from engine.outbox.dispatch import perform_due
    from tests.unit.processes.test_household_business import HO_KINH_DOANH, application

    with session_factory() as session, transaction(session):
        code = submit_dossier(session, demo.actor("congdan"), HO_KINH_DOANH, application()).code
    perform_due(session_factory)
    return code
