"""Files that pass for a PDF, an image or a DOCX but carry something else are refused, each
with its reason on the field, and nothing of them is stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.errors import InvalidInput
from engine.files.storage import FolderStorage
from engine.files.uploads import store_upload
from engine.users.actor import Actor
from tests.unit.engine.files.test_uploads import PDF, docx_bytes

CITIZEN = Actor(user_id=None, kind="citizen")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def docx_with(extra: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return buffer.getvalue()


@pytest.fixture
def storage(tmp_path):
    return FolderStorage(tmp_path / "files")


ATTACKS = {
    "zip bomb": (
        "to-khai.docx",
        docx_with({"word/media/zeros.bin": b"\0" * (20 * 1024 * 1024)}),
        "giải nén quá lớn",
    ),
    "too many entries": (
        "to-khai.docx",
        docx_with({f"word/part{i}.xml": b"<p/>" for i in range(1001)}),
        "quá nhiều thành phần",
    ),
    "macro": ("to-khai.docx", docx_with({"word/vbaProject.bin": b"\0" * 16}), "macro"),
    "pdf that is also a zip": ("giay.pdf", PDF + zip_bytes(), "tệp nén (ZIP)"),
    "jpeg that is also a zip": ("anh.jpg", JPEG + zip_bytes(), "tệp nén (ZIP)"),
    "jpeg with html at the start": (
        "anh.jpg",
        JPEG[:20] + b"<html><body><script>fetch('/tai-khoan')</script>" + JPEG[20:],
        "mã HTML",
    ),
    "pdf with html at the start": ("giay.pdf", b"%PDF-1.4\n<svg onload=alert(1)>", "mã HTML"),
    "pdf with javascript": (
        "giay.pdf",
        PDF.replace(b"<<>>", b"<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>", 1),
        "mã lệnh",
    ),
    "pdf with an embedded program": (
        "giay.pdf",
        PDF.replace(b"<<>>", b"<</Type/Filespec/EF<</F 2 0 R>>/EmbeddedFile 2 0 R>>", 1),
        "tệp đính kèm",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_each_attack_file_is_refused_with_its_reason(session, storage, attack):
    filename, content, reason = ATTACKS[attack]
    with pytest.raises(InvalidInput) as refused:
        store_upload(session, CITIZEN, storage, filename=filename, content=content, field="doc_1")
    assert reason in refused.value.field_errors["doc_1"]
    assert not storage.root.exists() or not any(p.is_file() for p in storage.root.rglob("*"))


@pytest.mark.parametrize(
    ("filename", "content", "kind"),
    [
        ("giay-chung-sinh.pdf", PDF, "application/pdf"),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("to-khai.docx", docx_bytes(), "wordprocessingml.document"),
        (
            "to-khai.docx",
            docx_with({"word/media/anh.png": b"\x89PNG" + bytes(range(256)) * 40}),
            "wordprocessingml.document",
        ),
    ],
)
def test_ordinary_documents_are_accepted(session, storage, filename, content, kind):
    stored = store_upload(session, CITIZEN, storage, filename=filename, content=content)
    assert stored.content_type.endswith(kind)
    assert storage.get(stored.storage_key) == content


def test_the_stored_name_is_the_hash_never_the_uploaded_name(session, storage):
    stored = store_upload(session, CITIZEN, storage, filename="../../etc/passwd.pdf", content=PDF)
    assert stored.original_name == "../../etc/passwd.pdf"
    (path,) = [p for p in storage.root.rglob("*") if p.is_file()]
    assert path.name == stored.sha256
    assert path.resolve().is_relative_to(storage.root.resolve())


def test_a_name_that_declares_another_type_than_the_content_is_refused(session, storage):
    with pytest.raises(InvalidInput) as refused:
        store_upload(session, CITIZEN, storage, filename="giay.pdf", content=JPEG, field="doc_1")
    assert "đuôi .pdf nhưng nội dung là tệp JPEG" in refused.value.field_errors["doc_1"]
    assert store_upload(session, CITIZEN, storage, filename="scan.tif", content=JPEG).id


def test_a_field_may_narrow_the_accepted_types(session, storage):
    with pytest.raises(InvalidInput) as refused:
        store_upload(
            session,
            CITIZEN,
            storage,
            filename="anh.jpg",
            content=JPEG,
            field="result_file",
            allowed={"application/pdf": "PDF"},
        )
    assert "không phải PDF" in refused.value.field_errors["result_file"]
