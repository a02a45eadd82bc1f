"""Officers attach a dossier's result files; returned electronically, they reach the store."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from engine.db import transaction
from engine.dossiers.results import attach_result_file
from engine.errors import InvalidInput
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_storage import file_storage
from webapp.portal.uploads import posted_single_file
from webapp.workspace import bp


@bp.post("/ho-so/<code>/ket-qua")
def attach_result(code: str):
    try:
        with transaction(db.session):
            attach_result_file(
                db.session,
                current_actor(),
                file_storage(),
                code,
                title=request.form.get("title", ""),
                upload=posted_single_file("result_file"),
            )
    except InvalidInput as error:
        flash(next(iter(error.field_errors.values()), error.message), "error")
    else:
        flash("Đã đính kèm tệp kết quả.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="ket-qua"))
