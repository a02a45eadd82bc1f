"""Uploads are judged by their content, stored by hash, and read back only in scope."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from engine.errors import InvalidInput, NotFound
from engine.files.storage import FolderStorage
from engine.files.uploads import get_file, store_upload
from engine.users.actor import Actor

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CITIZEN = Actor(user_id=None, kind="citizen")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def storage(tmp_path):
    return FolderStorage(tmp_path / "files")


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"0" * 32, "image/jpeg")],
)
def test_accepted_types_are_detected_from_content(session, storage, content, kind):
    stored = store_upload(session, CITIZEN, storage, filename="scan.bin", content=content)
    assert stored.content_type == kind
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert storage.get(stored.storage_key) == content


def test_docx_is_recognised_inside_its_zip(session, storage):
    stored = store_upload(session, CITIZEN, storage, filename="to-khai.docx", content=docx_bytes())
    assert stored.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("giay-chung-sinh.pdf", b"MZ\x90\x00 this is a Windows program"),
        ("anh.png", b"<script>alert(1)</script>"),
        ("to-khai.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_whose_extension_lies_is_refused(session, storage, filename, content):
    with pytest.raises(InvalidInput) as refused:
        store_upload(session, CITIZEN, storage, filename=filename, content=content, field="doc_1")
    assert "phần mở rộng" in refused.value.field_errors["doc_1"]
    assert not storage.root.exists() or not any(p.is_file() for p in storage.root.rglob("*"))


def test_too_large_and_empty_files_are_refused(session, storage):
    with pytest.raises(InvalidInput) as refused:
        store_upload(session, CITIZEN, storage, filename="a.pdf", content=PDF, max_bytes=10)
    assert "dung lượng" in refused.value.field_errors["file"]
    with pytest.raises(InvalidInput):
        store_upload(session, CITIZEN, storage, filename="a.pdf", content=b"")


def test_a_file_is_read_back_only_by_its_owner_or_who_may_see_its_dossier(demo, session, storage):
    owner, stranger = demo.actor("congdan"), demo.actor("thuly")
    stored = store_upload(session, owner, storage, filename="scan.pdf", content=PDF)
    assert get_file(session, owner, stored.id, may_see_dossier=lambda _id: False) is stored
    with pytest.raises(NotFound):
        get_file(session, stranger, stored.id, may_see_dossier=lambda _id: False)


def test_same_content_is_stored_once(storage):
    assert storage.put(PDF) == storage.put(PDF)
    assert len(list(storage.root.rglob("*.*"))) == 0  # no temporary file left behind
    assert len([p for p in storage.root.rglob("*") if p.is_file()]) == 1
