"""Online submission: the form with one upload slot per document, drafts, the receipt."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from engine.db import transaction
from engine.documents_store.store import list_personal_documents
from engine.dossiers.attachments import document_slots, fill_slots
from engine.dossiers.drafts import find_draft, save_draft
from engine.dossiers.online_submission import submit_online
from engine.dossiers.public_lookup import appointment
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput
from engine.files.models import StoredFile
from engine.postal.quotes import postal_quote
from engine.procedures.form_data import applicant_form_name, version_form
from engine.procedures.queries import get_procedure, latest_version
from engine.procedures.receiving_units import receiving_agencies
from forms.rendering import form_fields
from forms.validation import coerce_form_input
from webapp.auth import current_actor, login_required
from webapp.extensions import csrf, db
from webapp.file_storage import file_storage
from webapp.form_input import posted_data
from webapp.portal import bp
from webapp.portal.draft_stash import COOKIE, same_origin_post, stash_value, stashed_form
from webapp.portal.postal import postage_confirmed, posted_postal_choice
from webapp.portal.qr_code import qr_svg
from webapp.portal.uploads import posted_store_choices, posted_uploads

APPLICANT_KINDS = ("citizen", "organisation")
EXPIRED_NOTICE = (
    "Phiên đăng nhập đã hết hạn. Thông tin bạn vừa nhập đã được giữ lại: vui lòng đăng nhập "
    "để tiếp tục (tệp đính kèm cần chọn lại)."
)


@bp.route("/thu-tuc/<code>/nop-ho-so", methods=["GET", "POST"])
@csrf.exempt
def submit(code: str):
    actor = current_actor()
    if actor.user_id is None:
        return _signed_out(code)
    if actor.kind not in APPLICANT_KINDS:
        abort(403)
    procedure = get_procedure(db.session, code)
    version = latest_version(db.session, procedure)
    form = version_form(version, applicant_form_name(version))
    slots = document_slots(version)
    draft = find_draft(db.session, actor, code)
    data = dict(draft.data) if draft else {}
    attachments = dict(draft.attachments) if draft else {}
    errors: dict[str, str] = {}
    confirm_postage = None
    response_cookie_cleared = False
    if request.method == "POST":
        csrf.protect()
        data = posted_data(form)
        with transaction(db.session):
            attachments, errors = fill_slots(
                db.session,
                actor,
                file_storage(),
                slots,
                current=attachments,
                uploads=posted_uploads(slots),
                store_choices=posted_store_choices(slots),
            )
            save_draft(db.session, actor, code, data, attachments)
        if request.form.get("action") == "draft" and not errors:
            flash("Đã lưu nháp. Bạn có thể quay lại hoàn thiện và nộp sau.", "success")
            return redirect(url_for(".submit", code=code))
        postal = posted_postal_choice()
        if not errors and postal is not None and not postage_confirmed(postal):
            try:
                confirm_postage = postal_quote(
                    db.session,
                    postal,
                    procedure,
                    request.form.get("receiving_agency_id", type=int),
                )
            except InvalidInput as error:
                errors = error.field_errors
        elif not errors:
            try:
                with transaction(db.session):
                    dossier = submit_online(
                        db.session,
                        actor,
                        code,
                        data,
                        attachments,
                        agency_id=request.form.get("receiving_agency_id", type=int),
                        postal=postal,
                    )
                return redirect(url_for(".receipt", code=dossier.code))
            except InvalidInput as error:
                errors = error.field_errors
    elif (stashed := stashed_form(code)) is not None:
        data = coerce_form_input(form, stashed)
        with transaction(db.session):
            save_draft(db.session, actor, code, data, attachments)
        flash("Đã khôi phục thông tin bạn nhập trước khi phiên hết hạn và lưu nháp.", "success")
        response_cookie_cleared = True
    page = render_template(
        "portal/submit.html",
        procedure=procedure,
        form=form,
        fields=form_fields(form, data, errors),
        errors=errors,
        slots=slots,
        attached={
            code_: db.session.get(StoredFile, file_id) for code_, file_id in attachments.items()
        },
        store=list_personal_documents(db.session, actor),
        draft=find_draft(db.session, actor, code),
        receiving_units=receiving_agencies(db.session, procedure),
        chosen_unit=request.form.get("receiving_agency_id", type=int),
        postal_form=request.form,
        confirm_postage=confirm_postage,
    )
    response = make_response(page, 400 if errors else 200)
    if response_cookie_cleared:
        response.delete_cookie(COOKIE)
    return response


def _signed_out(code: str):
    """Session gone: keep a post's fields in the signed stash cookie, then go and sign in."""
    response = redirect(url_for("auth.login", next=url_for(".submit", code=code)))
    if request.method == "POST" and same_origin_post():
        value = stash_value(code)
        if value is not None:
            flash(EXPIRED_NOTICE, "warning")
            response.set_cookie(
                COOKIE,
                value,
                max_age=2 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure,
            )
        else:
            flash("Phiên đăng nhập đã hết hạn; thông tin quá dài để giữ lại.", "error")
    return response


@bp.get("/ho-so/<code>/bien-nhan")
@login_required
def receipt(code: str):
    dossier = get_dossier(db.session, current_actor(), code)
    lookup_url = url_for(".lookup", ma=dossier.code, _external=True)
    return render_template(
        "portal/receipt.html",
        dossier=dossier,
        appointment=appointment(db.session, dossier),
        lookup_url=lookup_url,
        qr=qr_svg(lookup_url),
    )
