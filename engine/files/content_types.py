"""Telling a file's type from its first bytes: an extension or a browser's word proves nothing."""

from __future__ import annotations

import io
import zipfile

#: what a dossier component may be: scans, photos and office documents
ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


#: what a file name's extension declares, for the types we accept
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def declared_content_type(filename: str) -> str | None:
    """The type the name's extension claims, when it is one we know; None otherwise."""
    dot = (filename or "").rfind(".")
    return EXTENSIONS.get(filename[dot:].lower()) if dot >= 0 else None


def detect_content_type(content: bytes) -> str | None:
    """The MIME type the content really is, among the ones we accept; None otherwise."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04") and _is_docx(content):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def _is_docx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names
