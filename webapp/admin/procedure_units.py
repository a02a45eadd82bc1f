"""Which units receive a procedure: tick them on the procedure's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.tree import administered_agency_ids, agency_tree
from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.queries import get_procedure
from engine.procedures.receiving_units import assigned_agency_ids, set_receiving_agencies
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/thu-tuc/<code>/don-vi")
def procedure_units(code: str):
    return _render(code, {})


@bp.post("/thu-tuc/<code>/don-vi")
def set_procedure_units(code: str):
    ticked = {int(value) for value in request.form.getlist("agency_ids") if value.isdigit()}
    try:
        with transaction(db.session):
            units = set_receiving_agencies(db.session, current_actor(), code, ticked)
    except InvalidInput as error:
        return _render(code, error.field_errors, ticked=ticked, status=400)
    flash(
        f"Đã lưu: {len(units)} đơn vị tiếp nhận thủ tục {code}."
        if units
        else f"Không đánh dấu đơn vị nào: hồ sơ thủ tục {code} nộp về đơn vị quản lý thủ tục.",
        "success",
    )
    return redirect(url_for(".procedure_units", code=code))


def _render(code: str, errors: dict, *, ticked: set[int] | None = None, status: int = 200):
    procedure = get_procedure(db.session, code)
    assigned = assigned_agency_ids(db.session, procedure.id)
    scope = administered_agency_ids(db.session, current_actor())
    rows = [
        (agency, depth)
        for agency, depth in agency_tree(db.session)
        if (scope is None or agency.id in scope) and (agency.is_active or agency.id in assigned)
    ]
    return render_template(
        "admin/procedure_units.html",
        procedure=procedure,
        rows=rows,
        ticked=assigned if ticked is None else ticked,
        errors=errors,
    ), status
