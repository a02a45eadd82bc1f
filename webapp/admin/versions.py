"""The versions page: which dossiers run on which version, and a diff between two."""

from __future__ import annotations

from flask import render_template, request, url_for

from engine.errors import InvalidInput
from engine.procedures.queries import get_procedure
from engine.procedures.trial_run import parse_sample, preview_diagram, trial_run
from engine.procedures.versions import diff_versions, get_version, list_versions
from webapp.admin import bp
from webapp.extensions import db


@bp.get("/thu-tuc/<code>/phien-ban")
def versions(code: str):
    procedure = get_procedure(db.session, code)
    summaries = list_versions(db.session, procedure)
    old_number = request.args.get("tu", type=int)
    new_number = request.args.get("den", type=int)
    diff = None
    if old_number and new_number:
        diff = diff_versions(
            get_version(db.session, procedure, old_number),
            get_version(db.session, procedure, new_number),
        )
    return render_template(
        "admin/versions.html",
        procedure=procedure,
        summaries=summaries,
        diff=diff,
        old_number=old_number,
        new_number=new_number,
    )


@bp.get("/thu-tuc/<code>/phien-ban/<int:number>/xem-truoc")
def version_preview(code: str, number: int):
    return _render_preview(code, number)


@bp.post("/thu-tuc/<code>/phien-ban/<int:number>/chay-thu")
def version_trial_run(code: str, number: int):
    return _render_preview(code, number, sample_text=request.form.get("sample", ""), run_it=True)


def _render_preview(code: str, number: int, *, sample_text: str = "", run_it: bool = False):
    """A published version's diagram, and a trial run on it that touches no dossier."""
    procedure = get_procedure(db.session, code)
    version = get_version(db.session, procedure, number)
    run, errors, status = None, {}, 200
    if run_it:
        try:
            run = trial_run(version.files, parse_sample(sample_text))
        except InvalidInput as error:
            errors, status = {"sample": error.message}, 400
    return render_template(
        "admin/version_preview.html",
        procedure=procedure,
        version=version,
        diagram_svg=preview_diagram(version.files, run.states if run else None),
        run=run,
        sample_text=sample_text,
        errors=errors,
        trial_action=url_for(".version_trial_run", code=code, number=number),
    ), status
