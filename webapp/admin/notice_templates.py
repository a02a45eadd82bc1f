"""Notice templates: the wording of each event's e-mail, SMS and Zalo message, previewed with
sample values before it is saved."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.errors import InvalidInput
from engine.notifications.templates import (
    EDITABLE_FIELDS,
    EVENTS,
    EVENTS_BY_NAME,
    PLACEHOLDERS,
    NotPreviewed,
    fingerprint,
    may_edit_templates,
    preview,
    reset_wording,
    save_wording,
    saved_wordings,
    sms_segments,
    wording_for,
)
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/mau-thong-bao")
def notice_templates():
    return render_template(
        "admin/notice_templates.html",
        events=EVENTS,
        saved=saved_wordings(db.session),
        may_edit=may_edit_templates(db.session, current_actor()),
    )


@bp.get("/mau-thong-bao/<event>")
def notice_template(event: str):
    EVENTS_BY_NAME.get(event) or abort(404)
    wording = wording_for(db.session, event)
    form = {name: getattr(wording, name) for name in EDITABLE_FIELDS}
    return _render(event, form, custom=wording.custom)


@bp.post("/mau-thong-bao/<event>")
def save_notice_template(event: str):
    EVENTS_BY_NAME.get(event) or abort(404)
    form = {name: request.form.get(name, "") for name in EDITABLE_FIELDS}
    if request.form.get("action") != "save":
        return _render(event, form, custom=wording_for(db.session, event).custom)
    try:
        with transaction(db.session):
            save_wording(
                db.session, current_actor(), event, form, previewed=request.form.get("previewed")
            )
    except NotPreviewed as error:
        flash(str(error), "warning")
        return _render(event, form, custom=True)
    except InvalidInput as error:
        return _render(event, form, custom=True, errors=error.field_errors, status=400)
    flash(f"Đã lưu mẫu thông báo “{EVENTS_BY_NAME[event].label}”.", "success")
    return redirect(url_for(".notice_templates"))


@bp.post("/mau-thong-bao/<event>/mac-dinh")
def reset_notice_template(event: str):
    EVENTS_BY_NAME.get(event) or abort(404)
    with transaction(db.session):
        reset_wording(db.session, current_actor(), event)
    flash(f"Mẫu “{EVENTS_BY_NAME[event].label}” dùng lại nội dung mặc định.", "success")
    return redirect(url_for(".notice_template", event=event))


def _render(event: str, form: dict, *, custom: bool, errors: dict | None = None, status=200):
    """The edit page with the preview of the texts as they stand in the form."""
    rendered, previewed = None, None
    if errors is None:
        try:
            rendered = preview(form)
            previewed = fingerprint(form)
        except InvalidInput as error:
            errors, status = error.field_errors, 400
    return render_template(
        "admin/notice_template.html",
        event=EVENTS_BY_NAME[event],
        form=form,
        errors=errors or {},
        rendered=rendered,
        previewed=previewed,
        sms_segments=sms_segments(rendered.short_text) if rendered else 0,
        placeholders=PLACEHOLDERS,
        custom=custom,
        may_edit=may_edit_templates(db.session, current_actor()),
    ), status
