"""Deadline extensions on the web: the processing officer asks on the dossier page, a leader of
the dossier's agency approves or refuses on /can-bo/gia-han."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.deadlines.extension_requests import (
    approve_request,
    refuse_request,
    request_extension,
    requests_to_decide,
)
from engine.deadlines.models import APPROVED, REFUSED, STATE_LABELS
from engine.errors import Conflict, InvalidInput
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.workspace import bp
from webapp.workspace.dossiers import render_dossier


@bp.app_template_global("extension_state_label")
def extension_state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@bp.post("/ho-so/<code>/de-nghi-gia-han")
def ask_extension(code: str):
    posted = {key: request.form.get(key, "") for key in ("reason", "working_days", "new_due_date")}
    try:
        working_days, new_due_date = _proposal(posted)
        with transaction(db.session):
            request_extension(
                db.session,
                current_actor(),
                code,
                reason=posted["reason"],
                working_days=working_days,
                new_due_date=new_due_date,
            )
    except InvalidInput as error:
        return render_dossier(code, extension_form=posted, extension_errors=error.field_errors), 400
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".dossier", code=code, _anchor="gia-han"))
    flash("Đã gửi đề nghị gia hạn; lãnh đạo đơn vị sẽ xem xét.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="gia-han"))


@bp.get("/gia-han")
def extension_requests():
    return _leader_page()


@bp.post("/gia-han/<int:request_id>/dong-y")
def approve_extension(request_id: int):
    try:
        with transaction(db.session):
            approved = approve_request(db.session, current_actor(), request_id)
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
        return redirect(url_for(".extension_requests"))
    flash(
        "Đã đồng ý gia hạn; hạn giải quyết đã được lùi và phiếu xin lỗi, hẹn lại ngày trả "
        "(Mẫu 04) đã được gửi tới người nộp.",
        "success",
    )
    return redirect(url_for(".extension_requests", _anchor=f"de-nghi-{approved.id}"))


@bp.post("/gia-han/<int:request_id>/khong-dong-y")
def refuse_extension(request_id: int):
    reason = request.form.get("refusal_reason", "")
    try:
        with transaction(db.session):
            refuse_request(db.session, current_actor(), request_id, reason=reason)
    except InvalidInput as error:
        return _leader_page(
            errors={request_id: error.field_errors}, posted={request_id: reason}
        ), 400
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".extension_requests"))
    flash("Đã không đồng ý gia hạn; hạn giải quyết của hồ sơ giữ nguyên.", "success")
    return redirect(url_for(".extension_requests"))


def _leader_page(errors: dict | None = None, posted: dict | None = None):
    actor = current_actor()
    return render_template(
        "workspace/extension_requests.html",
        pending=requests_to_decide(db.session, actor),
        decided=requests_to_decide(db.session, actor, state=APPROVED, limit=20)
        + requests_to_decide(db.session, actor, state=REFUSED, limit=20),
        errors=errors or {},
        posted=posted or {},
    )


def _proposal(posted: dict) -> tuple[int | None, date | None]:
    """The officer's choice as typed: a number of working days, or a day (YYYY-MM-DD)."""
    errors = {}
    working_days = new_due_date = None
    if posted["working_days"].strip():
        try:
            working_days = int(posted["working_days"])
        except ValueError:
            errors["working_days"] = "Số ngày làm việc phải là số nguyên."
    if posted["new_due_date"].strip():
        try:
            new_due_date = date.fromisoformat(posted["new_due_date"].strip())
        except ValueError:
            errors["new_due_date"] = "Ngày không hợp lệ."
    if errors:
        raise InvalidInput("Đề nghị gia hạn chưa hợp lệ.", errors)
    return working_days, new_due_date
