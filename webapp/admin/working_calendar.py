"""The working calendar page: a year of holidays and overrides, and editing the overrides."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.calendar.overrides import (
    KIND_LABELS,
    add_override,
    list_overrides,
    may_edit_calendar,
    remove_override,
)
from engine.calendar.year_view import LEGEND, WEEKDAY_HEADERS, year_grid
from engine.db import transaction
from engine.errors import InvalidInput
from engine.timestamps import utcnow
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db

FIRST_YEAR, LAST_YEAR = 2000, 2100


@bp.get("/lich-lam-viec")
def working_calendar():
    return _render(_year(), {}, {})


@bp.post("/lich-lam-viec")
def add_calendar_override():
    form = request.form
    try:
        with transaction(db.session):
            override = add_override(
                db.session,
                current_actor(),
                day=form.get("day", ""),
                kind=form.get("kind", ""),
                reason=form.get("reason", ""),
            )
    except InvalidInput as error:
        return _render(_year(), form, error.field_errors, status=400)
    flash(f"Đã thêm {KIND_LABELS[override.kind].lower()} {override.day:%d/%m/%Y}.", "success")
    return redirect(url_for(".working_calendar", nam=override.day.year))


@bp.post("/lich-lam-viec/<int:override_id>/xoa")
def remove_calendar_override(override_id: int):
    with transaction(db.session):
        remove_override(db.session, current_actor(), override_id)
    flash("Đã xóa điều chỉnh lịch.", "success")
    return redirect(url_for(".working_calendar", nam=request.form.get("nam", type=int)))


def _year() -> int:
    year = request.args.get("nam", type=int) or request.form.get("nam", type=int)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return utcnow().year
    return year


def _render(year: int, form, errors: dict, status: int = 200):
    return render_template(
        "admin/working_calendar.html",
        year=year,
        months=year_grid(db.session, year),
        overrides=list_overrides(db.session, year),
        may_edit=may_edit_calendar(db.session, current_actor()),
        kind_labels=KIND_LABELS,
        legend=LEGEND,
        weekday_headers=WEEKDAY_HEADERS,
        form=form,
        errors=errors,
    ), status
