"""'Hồ sơ của tôi': the applicant's dossiers, one dossier's page, and what they do on it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.dossiers import messages as dossier_messages
from engine.dossiers.attachments import list_dossier_documents
from engine.dossiers.drafts import delete_draft, list_drafts
from engine.dossiers.messages import (
    list_messages,
)
from engine.dossiers.public_lookup import appointment
from engine.dossiers.queries import get_dossier, list_applicant_dossiers, list_events
from engine.dossiers.ratings import RATING_LEVELS, find_rating, rate_dossier
from engine.dossiers.results import RESULT, applicant_result_files
from engine.dossiers.statuses import all_statuses, get_status
from engine.dossiers.supplement_answer import answer_supplement, get_applicant_task, task_slots
from engine.errors import Conflict, InvalidInput
from engine.notifications.deliveries import deliveries_of
from engine.payments.collection import current_payment, payment_requested
from engine.payments.models import STATE_LABELS as PAYMENT_STATE_LABELS
from engine.postal.shipments import shipments_of
from engine.procedures.form_data import version_form
from engine.signing.applicant_form import may_ask_form_signature, request_form_signature
from engine.signing.requests import signatures_by_document
from engine.tasks.queries import list_open_tasks
from forms.rendering import form_fields
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.file_storage import file_storage
from webapp.form_input import posted_data
from webapp.portal import bp
from webapp.portal.uploads import (
    posted_single_file,
    posted_store_choices,
    posted_uploads,
)


@bp.get("/ho-so-cua-toi")
@login_required
def my_dossiers():
    actor = current_actor()
    status = request.args.get("trang_thai", "")
    dossiers = list_applicant_dossiers(db.session, actor)
    if status:
        dossiers = [dossier for dossier in dossiers if dossier.status == status]
    return render_template(
        "portal/my_dossiers.html",
        dossiers=dossiers,
        drafts=list_drafts(db.session, actor),
        statuses=all_statuses(),
        status=status,
    )


@bp.post("/ho-so-nhap/<int:draft_id>/xoa")
@login_required
def discard_draft(draft_id: int):
    with transaction(db.session):
        delete_draft(db.session, current_actor(), draft_id)
    flash("Đã xoá hồ sơ nháp.", "success")
    return redirect(url_for(".my_dossiers"))


@bp.get("/ho-so/<code>")
@login_required
def dossier(code: str):
    actor = current_actor()
    dossier = get_dossier(db.session, actor, code)
    is_applicant = dossier.applicant_user_id == actor.user_id
    tasks = [task for task in list_open_tasks(db.session, dossier) if task.role == "applicant"]
    documents = list_dossier_documents(db.session, dossier)
    return render_template(
        "portal/dossier.html",
        dossier=dossier,
        appointment=appointment(db.session, dossier),
        events=list_events(db.session, dossier),
        tasks=tasks if is_applicant else [],
        documents=[document for document in documents if document.purpose != RESULT],
        result_files=applicant_result_files(db.session, dossier),
        signatures=signatures_by_document(db.session, dossier),
        shipments=shipments_of(db.session, dossier.id),
        may_sign_form=may_ask_form_signature(db.session, actor, dossier),
        messages=list_messages(db.session, actor, code),
        rating=find_rating(db.session, dossier.id),
        rating_levels=RATING_LEVELS,
        dossier_final=get_status(dossier.status).final,
        payment=current_payment(db.session, dossier.id),
        payment_preparing=payment_requested(db.session, dossier.id),
        payment_labels=PAYMENT_STATE_LABELS,
        is_applicant=is_applicant,
        deliveries=deliveries_of(db.session, dossier.id) if is_applicant else [],
    )


@bp.post("/ho-so/<code>/ky-to-khai")
@login_required
def sign_form(code: str):
    """The applicant asks to sign their form remotely; they approve on their phone."""
    try:
        with transaction(db.session):
            request_form_signature(db.session, current_actor(), file_storage(), code)
        flash(
            "Đã gửi yêu cầu ký số tờ khai. Vui lòng mở ứng dụng ký số trên điện thoại để xác nhận.",
            "success",
        )
    except InvalidInput as error:
        flash(error.message, "error")
    return redirect(url_for(".dossier", code=code))


@bp.post("/ho-so/<code>/tin-nhan")
@login_required
def post_message(code: str):
    actor = current_actor()
    upload = posted_single_file("attachment")
    with transaction(db.session):
        dossier_messages.post_message(
            db.session, actor, file_storage(), code, request.form.get("body", ""), upload
        )
    flash("Đã gửi tin nhắn.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="tin-nhan"))


@bp.post("/ho-so/<code>/danh-gia")
@login_required
def rate(code: str):
    try:
        with transaction(db.session):
            rate_dossier(
                db.session,
                current_actor(),
                code,
                request.form.get("level", type=int),
                request.form.get("comment", ""),
            )
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
        return redirect(url_for(".dossier", code=code, _anchor="danh-gia"))
    flash("Cảm ơn bạn đã đánh giá.", "success")
    return redirect(url_for(".dossier", code=code, _anchor="danh-gia"))


@bp.route("/ho-so/<code>/cong-viec/<int:task_id>", methods=["GET", "POST"])
@login_required
def applicant_task(code: str, task_id: int):
    """An applicant task (a supplement request): its form plus one upload slot per document."""
    actor = current_actor()
    task = get_applicant_task(db.session, actor, code, task_id)
    form = version_form(task.dossier.procedure_version, task.form_name)
    slots = task_slots(task)
    data, errors = {}, {}
    if request.method == "POST":
        data = posted_data(form)
        try:
            with transaction(db.session):
                answer_supplement(
                    db.session,
                    actor,
                    file_storage(),
                    code,
                    task_id,
                    data,
                    uploads=posted_uploads(slots),
                    store_choices=posted_store_choices(slots),
                )
            flash("Đã gửi bổ sung hồ sơ.", "success")
            return redirect(url_for(".dossier", code=code))
        except InvalidInput as error:
            errors = error.field_errors
    return render_template(
        "portal/task.html",
        task=task,
        form=form,
        fields=form_fields(form, data, errors),
        errors=errors,
        slots=slots,
    ), (400 if errors else 200)
