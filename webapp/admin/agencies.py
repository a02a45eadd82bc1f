"""Agency pages: the tree, declare/edit/retire a unit, import the administrative units."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.administration import (
    AGENCY_LEVELS,
    administered_tree,
    create_agency,
    get_administered_agency,
    parent_choices,
    restore_agency,
    retire_agency,
    update_agency,
)
from engine.agencies.administrative_units import data_version, import_units
from engine.agencies.tree import is_root_administrator
from engine.db import transaction
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/co-quan")
def agencies():
    actor = current_actor()
    return render_template(
        "admin/agencies.html",
        roots=administered_tree(db.session, actor),
        levels=AGENCY_LEVELS,
        may_add_top=is_root_administrator(db.session, actor),
        data_source=data_version(),
    )


@bp.get("/co-quan/moi")
def new_agency():
    values = {"parent_id": request.args.get("cha", type=int), "level": "commune"}
    return _render_form(values, {}, agency=None)


@bp.post("/co-quan/moi")
def create_agency_():
    values = _posted()
    try:
        with transaction(db.session):
            agency = create_agency(db.session, current_actor(), **values)
    except InvalidInput as error:
        return _render_form(values, error.field_errors, agency=None, status=400)
    flash(f"Đã thêm đơn vị {agency.code} — {agency.name}.", "success")
    return redirect(url_for(".agencies"))


@bp.get("/co-quan/<int:agency_id>/sua")
def edit_agency(agency_id: int):
    agency = get_administered_agency(db.session, current_actor(), agency_id)
    keys = ("code", "name", "level", "parent_id", "admin_unit_code")
    values = {key: getattr(agency, key) for key in keys}
    return _render_form(values, {}, agency=agency)


@bp.post("/co-quan/<int:agency_id>/sua")
def update_agency_(agency_id: int):
    agency = get_administered_agency(db.session, current_actor(), agency_id)
    values = _posted()
    try:
        with transaction(db.session):
            update_agency(db.session, current_actor(), agency_id, **values)
    except InvalidInput as error:
        return _render_form(values, error.field_errors, agency=agency, status=400)
    flash(f"Đã lưu đơn vị {values['code']}.", "success")
    return redirect(url_for(".agencies"))


@bp.post("/co-quan/<int:agency_id>/ngung")
def retire_agency_(agency_id: int):
    try:
        with transaction(db.session):
            agency = retire_agency(
                db.session, current_actor(), agency_id, reason=request.form.get("reason", "")
            )
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".agencies"))
    flash(
        f"{agency.name} đã ngừng hoạt động: không nhận hồ sơ mới, hồ sơ cũ vẫn giữ nguyên.",
        "success",
    )
    return redirect(url_for(".agencies"))


@bp.post("/co-quan/<int:agency_id>/hoat-dong-lai")
def restore_agency_(agency_id: int):
    try:
        with transaction(db.session):
            agency = restore_agency(db.session, current_actor(), agency_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".agencies"))
    flash(f"{agency.name} hoạt động trở lại.", "success")
    return redirect(url_for(".agencies"))


@bp.post("/co-quan/nhap-don-vi-hanh-chinh")
def import_units_():
    """One province the administrator holds; the whole country is the CLI's job."""
    province = (request.form.get("province_code") or "").strip()
    if not province:
        flash("Nhập mã tỉnh, thành phố (ví dụ 79).", "error")
        return redirect(url_for(".agencies"))
    try:
        with transaction(db.session):
            report = import_units(db.session, current_actor(), province_code=province)
    except (NotFound, Forbidden) as error:
        flash(error.message, "error")
        return redirect(url_for(".agencies"))
    return render_template(
        "admin/units_import_report.html",
        report=report,
        province=province,
        data_source=data_version(),
    )


def _posted() -> dict:
    return {
        "code": request.form.get("code", ""),
        "name": request.form.get("name", ""),
        "level": request.form.get("level", ""),
        "parent_id": request.form.get("parent_id", type=int),
        "admin_unit_code": request.form.get("admin_unit_code", ""),
    }


def _render_form(values: dict, errors: dict, *, agency, status: int = 200):
    parents = parent_choices(db.session, current_actor(), agency)
    if agency is not None and agency.parent is not None and agency.parent not in parents:
        parents.insert(0, agency.parent)  # outside the actor's scope: it may stay, not be chosen
    return render_template(
        "admin/agency_form.html",
        values=values,
        errors=errors,
        agency=agency,
        levels=AGENCY_LEVELS,
        parents=parents,
        may_be_top=is_root_administrator(db.session, current_actor()),
    ), status
