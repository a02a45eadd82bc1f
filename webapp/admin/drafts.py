"""Draft → publish: the page of an uploaded package, with its diagram, a trial run, the
changes against the published version, and the "Xuất bản" button."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.errors import InvalidInput, NotFound
from engine.procedures.drafts import discard_draft, get_draft, publish_draft
from engine.procedures.queries import get_procedure, latest_version
from engine.procedures.trial_run import parse_sample, preview_diagram, trial_run
from engine.procedures.versions import diff_versions
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/ban-nhap/<int:draft_id>")
def draft(draft_id: int):
    return _render_draft(draft_id)


@bp.post("/ban-nhap/<int:draft_id>/chay-thu")
def draft_trial_run(draft_id: int):
    return _render_draft(draft_id, sample_text=request.form.get("sample", ""), run_it=True)


@bp.post("/ban-nhap/<int:draft_id>/xuat-ban")
def publish_draft_view(draft_id: int):
    with transaction(db.session):
        version = publish_draft(db.session, current_actor(), draft_id)
        published = (version.procedure.code, version.procedure.name, version.number)
    flash(f"Đã công bố {published[0]} — {published[1]}, phiên bản {published[2]}.", "success")
    return redirect(url_for(".procedures"))


@bp.post("/ban-nhap/<int:draft_id>/huy")
def discard_draft_view(draft_id: int):
    with transaction(db.session):
        discard_draft(db.session, current_actor(), draft_id)
    flash("Đã hủy bản nháp quy trình.", "success")
    return redirect(url_for(".procedures"))


def _render_draft(draft_id: int, *, sample_text: str = "", run_it: bool = False):
    found = get_draft(db.session, current_actor(), draft_id)
    published = _published_version(found.code)
    run, errors, status = None, {}, 200
    if run_it:
        try:
            run = trial_run(found.files, parse_sample(sample_text))
        except InvalidInput as error:
            errors, status = {"sample": error.message}, 400
    return render_template(
        "admin/draft.html",
        draft=found,
        published=published,
        diff=diff_versions(published, found) if published else None,
        diagram_svg=preview_diagram(found.files, run.states if run else None),
        run=run,
        sample_text=sample_text,
        errors=errors,
        trial_action=url_for(".draft_trial_run", draft_id=draft_id),
    ), status


def _published_version(code: str):
    try:
        return latest_version(db.session, get_procedure(db.session, code))
    except NotFound:
        return None
