"""Blank forms in a package: named in procedure.json, present under forms/blank/, PDF or DOCX
by content; kept in the published version and read back byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from engine.procedures.blank_forms import check_blank_forms, get_blank_form, stored_text
from engine.procedures.models import ProcedureVersion
from engine.procedures.package import load_package_dir, package_from_files
from engine.procedures.validation import validate_package

VALID = Path(__file__).parent / "packages" / "valid"
PDF = b"%PDF-1.4\n% mau don\n%%EOF\n"


def _with_blank_form(name: str, files: dict[str, bytes]):
    package = load_package_dir(VALID)
    metadata = dict(package.metadata)
    metadata["documents"] = [{"code": "don", "name": "Đơn đề nghị", "blank_form": name}]
    return package_from_files(
        {**package.files, "procedure.json": json.dumps(metadata).encode(), **files}
    )


def test_a_pdf_blank_form_passes(context):
    package = _with_blank_form("don.pdf", {"forms/blank/don.pdf": PDF})
    assert validate_package(package, context) == []


def test_missing_file_lying_extension_and_path_are_refused():
    missing = check_blank_forms(_with_blank_form("don.pdf", {}))
    assert [p.rule for p in missing] == ["blank_form_missing"]
    assert "thiếu tệp mẫu forms/blank/don.pdf" in missing[0].message

    lying = check_blank_forms(
        _with_blank_form("don.pdf", {"forms/blank/don.pdf": b"<html>not a pdf</html>"})
    )
    assert [p.rule for p in lying] == ["blank_form_type"]
    assert "không phải PDF hay DOCX" in lying[0].message

    escaping = check_blank_forms(_with_blank_form("../process.bpmn", {}))
    assert [p.rule for p in escaping] == ["blank_form_bad_name"]


def test_stored_version_gives_the_bytes_back():
    files = {"procedure.json": b'{"documents": [{"code": "don", "blank_form": "don.pdf"}]}'}
    files["forms/blank/don.pdf"] = PDF
    version = ProcedureVersion(files={path: stored_text(path, c) for path, c in files.items()})
    form = get_blank_form(version, "don")
    assert (form.content, form.content_type, form.filename) == (PDF, "application/pdf", "don.pdf")


def test_a_blank_form_with_active_content_is_refused():
    scripted = PDF.replace(b"% mau don", b"1 0 obj<</OpenAction<</S/JavaScript/JS(x)>>>>endobj")
    refused = check_blank_forms(_with_blank_form("don.pdf", {"forms/blank/don.pdf": scripted}))
    assert [p.rule for p in refused] == ["blank_form_hostile"]
    assert "mã lệnh" in refused[0].message
