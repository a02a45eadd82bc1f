"""The working hours page: an agency's working windows and reception cut-off."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.calendar.agency_hours import (
    MAX_WINDOWS,
    administered_agencies,
    agency_hours,
    reset_agency_hours,
    set_agency_hours,
)
from engine.db import transaction
from engine.errors import InvalidInput, NotFound
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/gio-lam-viec")
def working_hours():
    agencies = administered_agencies(db.session, current_actor())
    if not agencies:
        raise NotFound("Bạn chưa quản trị đơn vị nào.")
    agency_id = request.args.get("don_vi", type=int) or agencies[0][0].id
    hours = agency_hours(db.session, current_actor(), agency_id)
    form = {"cutoff": f"{hours.cutoff:%H:%M}"}
    for index, (opens, closes) in enumerate(hours.windows):
        form[f"opens_{index}"], form[f"closes_{index}"] = f"{opens:%H:%M}", f"{closes:%H:%M}"
    return _render(agencies, hours, form, {})


@bp.post("/gio-lam-viec/<int:agency_id>")
def save_working_hours(agency_id: int):
    form = request.form
    windows = [
        (form.get(f"opens_{index}", ""), form.get(f"closes_{index}", ""))
        for index in range(MAX_WINDOWS)
    ]
    try:
        with transaction(db.session):
            set_agency_hours(
                db.session, current_actor(), agency_id, windows=windows, cutoff=form.get("cutoff")
            )
    except InvalidInput as error:
        hours = agency_hours(db.session, current_actor(), agency_id)
        agencies = administered_agencies(db.session, current_actor())
        return _render(agencies, hours, form, error.field_errors, status=400)
    flash("Đã lưu giờ làm việc; các thời hạn tính từ nay dùng giờ mới.", "success")
    return redirect(url_for(".working_hours", don_vi=agency_id))


@bp.post("/gio-lam-viec/<int:agency_id>/theo-cap-tren")
def reset_working_hours(agency_id: int):
    with transaction(db.session):
        reset_agency_hours(db.session, current_actor(), agency_id)
    flash("Đơn vị dùng lại giờ làm việc của đơn vị cấp trên (hoặc giờ mặc định).", "success")
    return redirect(url_for(".working_hours", don_vi=agency_id))


def _render(agencies, hours, form, errors: dict, status: int = 200):
    return render_template(
        "admin/working_hours.html",
        agencies=agencies,
        hours=hours,
        form=form,
        errors=errors,
        rows=range(MAX_WINDOWS),
    ), status
