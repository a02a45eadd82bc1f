"""Officers answer the applicant's messages from the dossier page."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from engine.db import transaction
from engine.dossiers.messages import send_message
from engine.dossiers.queries import get_dossier
from engine.files.uploads import store_upload
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.portal.uploads import file_storage, posted_single_file
from webapp.workspace import bp


@bp.post("/ho-so/<code>/tin-nhan")
def post_message(code: str):
    actor = current_actor()
    upload = posted_single_file("attachment")
    with transaction(db.session):
        dossier = get_dossier(db.session, actor, code)
        file_id = None
        if upload is not None:
            file_id = store_upload(
                db.session,
                actor,
                file_storage(),
                filename=upload[0],
                content=upload[1],
                field="attachment",
                dossier_id=dossier.id,
            ).id
        send_message(db.session, actor, code, request.form.get("body", ""), stored_file_id=file_id)
    flash("Đã gửi tin nhắn cho người nộp hồ sơ.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="tin-nhan"))
