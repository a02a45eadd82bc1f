from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.tree import administered_agencies
from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.blank_forms import package_files
from engine.procedures.catalogue import list_catalogue
from engine.procedures.drafts import list_drafts, save_draft
from engine.procedures.package import load_package_zip, package_from_files
from engine.procedures.publishing import PackageRefused
from engine.procedures.queries import get_procedure, latest_version
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/")
def procedures():
    return _render_procedures()


@bp.post("/cong-bo")
def publish():
    """Upload a whole package (.zip), or a new BPMN for an existing procedure: once it passes
    validation it becomes a draft, which the administrator previews and then publishes."""
    upload = request.files.get("package")
    problems, message = [], None
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Vui lòng chọn tệp .zip (gói thủ tục) hoặc tệp .bpmn.")
        package = _uploaded_package(upload.filename, upload.read())
        with transaction(db.session):
            draft = save_draft(
                db.session,
                current_actor(),
                package,
                agency_id=request.form.get("agency_id", type=int),
            )
        flash(
            f"Gói thủ tục {draft.code} hợp lệ, đã lưu bản nháp. Xem trước, chạy thử rồi bấm "
            "«Xuất bản» để áp dụng cho hồ sơ mới.",
            "success",
        )
        return redirect(url_for(".draft", draft_id=draft.id))
    except PackageRefused as error:
        problems, message = error.problems, error.message
    except InvalidInput as error:
        message = error.message
    return _render_procedures(problems=problems, message=message, status=400)


def _render_procedures(*, problems=(), message: str | None = None, status: int = 200):
    actor = current_actor()
    return render_template(
        "admin/procedures.html",
        procedures=list_catalogue(db.session),
        drafts=list_drafts(db.session, actor),
        agencies=administered_agencies(db.session, actor),
        problems=problems,
        message=message,
    ), status


def _uploaded_package(filename: str, content: bytes):
    lower = filename.lower()
    if lower.endswith(".zip"):
        return load_package_zip(content)
    if lower.endswith(".bpmn"):
        code = request.form.get("procedure_code", "")
        if not code:
            raise InvalidInput("Chọn thủ tục để thay quy trình BPMN.")
        version = latest_version(db.session, get_procedure(db.session, code))
        files = package_files(version.files)
        for name in [path for path in files if path.endswith(".bpmn")]:
            del files[name]
        files["process.bpmn"] = content
        return package_from_files(files)
    raise InvalidInput("Chỉ nhận tệp .zip (gói thủ tục) hoặc .bpmn.")
