"""Blank forms (mẫu đơn, tờ khai) a procedure package ships for its required documents.

A document of procedure.json may name one: `"blank_form": "giay_uy_quyen.pdf"` is the file
`forms/blank/giay_uy_quyen.pdf` of the package, a PDF or a DOCX (checked by content, like any
upload). The procedure page offers it for download. The applicant form itself needs no file: its
printable blank is drawn from the form (forms/documents/blank_form.py).

Versions keep their files as text; a blank form is kept base64-encoded under its path.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from engine.errors import NotFound
from engine.files.content_types import detect_content_type
from engine.files.hostile_content import hostile_content_problem
from engine.procedures.form_data import version_form
from engine.procedures.models import ProcedureVersion
from engine.procedures.package import METADATA_FILE, ProcedurePackage
from engine.procedures.problems import Problem
from forms.documents.blank_form import blank_form_pdf

BLANK_DIR = "forms/blank"
BLANK_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_BASE64 = "base64:"
#: (content hash, procedure name) -> the printed applicant form
_printed: dict[tuple[str, str], bytes] = {}


@dataclass(frozen=True)
class BlankForm:
    filename: str
    content_type: str
    content: bytes


def blank_form_path(document: dict) -> str | None:
    name = document.get("blank_form")
    return f"{BLANK_DIR}/{name}" if isinstance(name, str) and name else None


def check_blank_forms(package: ProcedurePackage) -> list[Problem]:
    """Each named blank form is a plain file name, present, and a PDF or DOCX by content."""
    problems = []
    for document in package.metadata.get("documents", []) or []:
        if not isinstance(document, dict) or "blank_form" not in document:
            continue
        code = str(document.get("code", ""))
        name = document["blank_form"]
        path = blank_form_path(document)
        if path is None or PurePosixPath(str(name)).name != name:
            problems.append(_problem(code, f"tên tệp mẫu “{name}” không hợp lệ", "bad_name"))
        elif path not in package.files:
            problems.append(_problem(code, f"thiếu tệp mẫu {path} trong gói", "missing"))
        elif (kind := detect_content_type(package.files[path])) not in BLANK_TYPES:
            problems.append(_problem(code, f"tệp mẫu {path} không phải PDF hay DOCX", "type"))
        elif hostile := hostile_content_problem(package.files[path], kind):
            problems.append(_problem(code, f"tệp mẫu {path}: {hostile}", "hostile"))
    return problems


def stored_text(path: str, content: bytes) -> str:
    """How a package file is kept in a version: text as is, a blank form base64-encoded."""
    if path.startswith(f"{BLANK_DIR}/"):
        return _BASE64 + base64.b64encode(content).decode("ascii")
    return content.decode("utf-8")


def stored_files(package: ProcedurePackage) -> dict[str, str]:
    """The package's files as a version or a draft keeps them."""
    return {path: stored_text(path, content) for path, content in package.files.items()}


def package_files(files: Mapping[str, str]) -> dict[str, bytes]:
    """A version's or draft's files as uploaded (the inverse of `stored_files`)."""
    return {
        path: base64.b64decode(text.removeprefix(_BASE64))
        if path.startswith(f"{BLANK_DIR}/") and text.startswith(_BASE64)
        else text.encode("utf-8")
        for path, text in files.items()
    }


def get_blank_form(version: ProcedureVersion, document_code: str) -> BlankForm:
    record = version.procedure_record()
    for document in record.get("documents", []):
        if document.get("code") == document_code and (path := blank_form_path(document)):
            text = version.files.get(path)
            if text is None or not text.startswith(_BASE64):
                break
            content = base64.b64decode(text.removeprefix(_BASE64))
            content_type = detect_content_type(content) or "application/octet-stream"
            name = f"{document_code}.{BLANK_TYPES.get(content_type, 'bin')}"
            return BlankForm(name, content_type, content)
    raise NotFound("Thủ tục không có mẫu đơn cho giấy tờ này.")


def applicant_form_pdf(version: ProcedureVersion) -> bytes:
    """The printable blank of the version's applicant form (Tờ khai, mẫu in); made once."""
    name = version.procedure_record().get("applicant_form")
    if not name:
        raise NotFound("Thủ tục không có tờ khai.")
    key = (version.content_hash, version.procedure.name)
    if key not in _printed:
        if len(_printed) > 64:
            _printed.clear()
        _printed[key] = blank_form_pdf(
            version_form(version, name), procedure_name=version.procedure.name
        )
    return _printed[key]


def _problem(code: str, what: str, rule: str) -> Problem:
    english = {
        "bad_name": "invalid file name",
        "missing": "file missing",
        "type": "not PDF/DOCX",
        "hostile": "carries active content or hides an archive",
    }
    return Problem(
        code or None,
        f"Thành phần hồ sơ “{code}”: {what} (chỉ nhận PDF hoặc DOCX đặt trong {BLANK_DIR}/).",
        f"Document {code!r}: blank form {english[rule]} (PDF or DOCX under {BLANK_DIR}/).",
        file=METADATA_FILE,
        rule=f"blank_form_{rule}",
    )
