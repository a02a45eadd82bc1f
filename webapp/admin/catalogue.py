"""Catalogue pages: declare, edit, retire procedures; import and export the national shape."""

from __future__ import annotations

import json
from datetime import date

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agencies
from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.catalogue import (
    CHANNELS,
    LEVELS,
    ONLINE_LEVELS,
    create_procedure,
    restore_procedure,
    retire_procedure,
    update_procedure,
)
from engine.procedures.national_format import export_catalogue, import_catalogue
from engine.procedures.queries import get_procedure
from webapp.admin import bp
from webapp.admin.record_form import form_from_record, record_from_form
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_responses import file_response


def _render_record_form(values: dict, errors: dict, *, code: str | None, status: int = 200):
    return render_template(
        "admin/procedure_form.html",
        values=values,
        errors=errors,
        code=code,
        levels=LEVELS,
        channels=CHANNELS,
        online_levels=ONLINE_LEVELS,
        agencies=_agencies(),
    ), status


@bp.get("/thu-tuc/moi")
def new_procedure():
    return _render_record_form({"channels": list(CHANNELS), "level": "commune"}, {}, code=None)


@bp.post("/thu-tuc/moi")
def create():
    record = record_from_form(request.form)
    try:
        with transaction(db.session):
            agency_id = request.form.get("agency_id", type=int)
            procedure = create_procedure(db.session, current_actor(), record, agency_id=agency_id)
    except InvalidInput as error:
        return _render_record_form(
            request.form.to_dict(flat=False) | record, error.field_errors, code=None, status=400
        )
    flash(f"Đã khai báo thủ tục {procedure.code} — {procedure.name}.", "success")
    return redirect(url_for(".procedures"))


@bp.get("/thu-tuc/<code>/sua")
def edit_procedure(code: str):
    procedure = get_procedure(db.session, code)
    return _render_record_form(form_from_record(procedure.record | {"code": code}), {}, code=code)


@bp.post("/thu-tuc/<code>/sua")
def update(code: str):
    record = record_from_form(request.form, code)
    try:
        with transaction(db.session):
            update_procedure(db.session, current_actor(), code, record)
    except InvalidInput as error:
        return _render_record_form(
            form_from_record(record), error.field_errors, code=code, status=400
        )
    flash(f"Đã lưu thủ tục {code}.", "success")
    return redirect(url_for(".procedures"))


@bp.post("/thu-tuc/<code>/ngung")
def retire(code: str):
    try:
        valid_to = date.fromisoformat(request.form.get("valid_to") or date.today().isoformat())
    except ValueError as error:
        raise InvalidInput("Ngày hết hiệu lực phải có dạng YYYY-MM-DD.") from error
    with transaction(db.session):
        retire_procedure(
            db.session,
            current_actor(),
            code,
            valid_to=valid_to,
            reason=request.form.get("reason", ""),
        )
    flash(f"Đã ngừng áp dụng thủ tục {code}; hồ sơ đang giải quyết vẫn tiếp tục.", "success")
    return redirect(url_for(".procedures"))


@bp.post("/thu-tuc/<code>/ap-dung-lai")
def restore(code: str):
    with transaction(db.session):
        restore_procedure(db.session, current_actor(), code)
    flash(f"Đã áp dụng lại thủ tục {code}.", "success")
    return redirect(url_for(".procedures"))


@bp.get("/danh-muc.json")
def export():
    body = json.dumps(export_catalogue(db.session), ensure_ascii=False, indent=2)
    return file_response(body.encode("utf-8"), "application/json", "danh-muc-thu-tuc.json")


@bp.post("/danh-muc/nhap")
def import_():
    upload = request.files.get("catalogue")
    try:
        items = json.loads(upload.read().decode("utf-8")) if upload else None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"Tệp không phải JSON hợp lệ: {error}") from error
    if isinstance(items, dict):
        items = items.get("result", [items])
    if not isinstance(items, list):
        raise InvalidInput("Tệp phải chứa một danh sách bản ghi thủ tục (JSON).")
    with transaction(db.session):
        report = import_catalogue(db.session, current_actor(), items)
    return render_template("admin/import_report.html", report=report)


def _agencies() -> list[Agency]:
    return administered_agencies(db.session, current_actor())
