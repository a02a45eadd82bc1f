"""The e-document store (kho giấy tờ điện tử) and downloading a file one may see."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.documents_store.store import (
    add_personal_document,
    delete_personal_document,
    list_personal_documents,
)
from engine.dossiers.results import may_download_dossier_file
from engine.errors import InvalidInput
from engine.files.uploads import get_file
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.file_responses import file_response
from webapp.file_storage import file_storage
from webapp.portal import bp
from webapp.portal.uploads import posted_single_file


@bp.route("/kho-giay-to", methods=["GET", "POST"])
@login_required
def document_store():
    actor = current_actor()
    errors: dict[str, str] = {}
    if request.method == "POST":
        filename, content = posted_single_file("file") or ("", b"")
        try:
            with transaction(db.session):
                add_personal_document(
                    db.session,
                    actor,
                    file_storage(),
                    title=request.form.get("title", ""),
                    filename=filename,
                    content=content,
                )
            flash("Đã thêm giấy tờ vào kho.", "success")
            return redirect(url_for(".document_store"))
        except InvalidInput as error:
            errors = error.field_errors
    return render_template(
        "portal/document_store.html",
        documents=list_personal_documents(db.session, actor),
        errors=errors,
    ), (400 if errors else 200)


@bp.post("/kho-giay-to/<int:document_id>/xoa")
@login_required
def delete_document(document_id: int):
    with transaction(db.session):
        delete_personal_document(db.session, current_actor(), document_id)
    flash("Đã xoá giấy tờ khỏi kho.", "success")
    return redirect(url_for(".document_store"))


@bp.get("/tep/<int:file_id>")
@login_required
def download(file_id: int):
    """The owner, or anyone who may see the file's dossier (its applicant, its officers)."""
    actor = current_actor()
    stored = get_file(
        db.session,
        actor,
        file_id,
        may_see_dossier=lambda dossier_id: may_download_dossier_file(
            db.session, actor, dossier_id, file_id
        ),
    )
    return file_response(
        file_storage().get(stored.storage_key), stored.content_type, stored.original_name
    )
