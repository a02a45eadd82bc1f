from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.blank_forms import package_files
from engine.procedures.catalogue import list_catalogue
from engine.procedures.package import load_package_zip, package_from_files
from engine.procedures.publishing import PackageRefused, publish_package
from engine.procedures.queries import get_procedure, latest_version
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/")
def procedures():
    return render_template("admin/procedures.html", procedures=list_catalogue(db.session))


@bp.post("/cong-bo")
def publish():
    """Publish a whole package (.zip), or a new BPMN for an existing procedure."""
    upload = request.files.get("package")
    problems, message = [], None
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Vui lòng chọn tệp .zip (gói thủ tục) hoặc tệp .bpmn.")
        package = _uploaded_package(upload.filename, upload.read())
        with transaction(db.session):
            version = publish_package(db.session, current_actor(), package)
        flash(
            f"Đã công bố {version.procedure.code} — {version.procedure.name}, "
            f"phiên bản {version.number}.",
            "success",
        )
        return redirect(url_for(".procedures"))
    except PackageRefused as error:
        problems, message = error.problems, error.message
    except InvalidInput as error:
        message = error.message
    return render_template(
        "admin/procedures.html",
        procedures=list_catalogue(db.session),
        problems=problems,
        message=message,
    ), 400


def _uploaded_package(filename: str, content: bytes):
    lower = filename.lower()
    if lower.endswith(".zip"):
        return load_package_zip(content)
    if lower.endswith(".bpmn"):
        code = request.form.get("procedure_code", "")
        if not code:
            raise InvalidInput("Chọn thủ tục để thay quy trình BPMN.")
        version = latest_version(db.session, get_procedure(db.session, code))
        files = package_files(version)
        for name in [path for path in files if path.endswith(".bpmn")]:
            del files[name]
        files["process.bpmn"] = content
        return package_from_files(files)
    raise InvalidInput("Chỉ nhận tệp .zip (gói thủ tục) hoặc .bpmn.")
