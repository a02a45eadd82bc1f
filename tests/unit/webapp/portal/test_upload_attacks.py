"""Over HTTP, as a citizen would try it: hostile files are refused on their field with the
reason in Vietnamese and nothing is kept; ordinary PDF, JPEG and DOCX files are accepted; a
request over the size limit gets a clear 413."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.documents_store.models import PersonalDocument
from engine.files.models import StoredFile
from tests.unit.engine.files.test_hostile_content import ATTACKS, JPEG, docx_with
from tests.unit.webapp.portal.conftest import PDF, pdf, signed_in

CHOSEN = ("zip bomb", "pdf that is also a zip", "jpeg with html at the start", "macro")


@pytest.mark.parametrize("attack", CHOSEN)
def test_a_hostile_file_is_refused_on_its_field_and_nothing_is_kept(
    app, demo, session_factory, tmp_path, attack
):
    filename, content, reason = ATTACKS[attack]
    citizen = signed_in(app, "congdan")
    response = citizen.submit("/kho-giay-to", {"title": "Giấy tờ", "file": pdf(filename, content)})
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(PersonalDocument)) == 0
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    files = tmp_path / "files"
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))


@pytest.mark.parametrize(
    ("filename", "content"),
    [("cccd.pdf", PDF), ("anh-the.jpg", JPEG), ("to-khai.docx", docx_with({}))],
)
def test_ordinary_documents_are_accepted(app, demo, session_factory, filename, content):
    citizen = signed_in(app, "congdan")
    response = citizen.submit("/kho-giay-to", {"title": "Giấy tờ", "file": pdf(filename, content)})
    assert response.status_code == 302
    with session_factory() as session:
        assert session.scalar(select(StoredFile.original_name)) == filename


def test_a_request_over_the_limit_gets_a_clear_413(app, demo):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    citizen = signed_in(app, "congdan")
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = citizen.submit("/kho-giay-to", {"title": "Lớn", "file": pdf("lon.pdf", big)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "tối đa 1 MB cho mỗi lần gửi" in page and "mỗi tệp tối đa 10 MB" in page

    answer = citizen.client.post("/api/dossiers", data=big, content_type="application/json")
    assert answer.status_code == 413
    assert "tối đa 1 MB" in answer.get_json()["error"]
