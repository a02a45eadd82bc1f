"""Officers answer the applicant's messages from the dossier page."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from engine.db import transaction
from engine.dossiers import messages as dossier_messages
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_storage import file_storage
from webapp.portal.uploads import posted_single_file
from webapp.workspace import bp


@bp.post("/ho-so/<code>/tin-nhan")
def post_message(code: str):
    actor = current_actor()
    upload = posted_single_file("attachment")
    with transaction(db.session):
        dossier_messages.post_message(
            db.session, actor, file_storage(), code, request.form.get("body", ""), upload
        )
    flash("Đã gửi tin nhắn cho người nộp hồ sơ.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="tin-nhan"))
