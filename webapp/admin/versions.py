"""The versions page: which dossiers run on which version, and a diff between two."""

from __future__ import annotations

from flask import render_template, request

from engine.procedures.queries import get_procedure
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
