from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.tree import administered_agencies
from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.catalogue import list_catalogue
from engine.procedures.drafts import list_drafts, upload_draft
from engine.procedures.publishing import PackageRefused
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
        with transaction(db.session):
            draft = upload_draft(
                db.session,
                current_actor(),
                upload.filename if upload else "",
                upload.read() if upload else b"",
                agency_id=request.form.get("agency_id", type=int),
                procedure_code=request.form.get("procedure_code", ""),
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
