"""Online submission from the portal: the form, the required documents, the confirmation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.dossiers.attachments import (
    attach_documents,
    document_slots,
    fill_slots,
    missing_documents,
)
from engine.dossiers.drafts import find_draft
from engine.dossiers.models import Dossier
from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.submission import refuse_non_applicant, submit_dossier
from engine.errors import InvalidInput
from engine.files.storage import FileStorage
from engine.outbox.models import OutboxMessage
from engine.postal.models import DELIVERY, PICKUP
from engine.postal.quotes import postal_quote
from engine.postal.shipments import PostalChoice, request_postal_services
from engine.procedures.form_data import validated_form_data
from engine.procedures.queries import get_procedure, latest_version
from engine.users.actor import Actor

SUBMITTED_TEMPLATE = "submitted"


def submit_online(
    session: Session,
    actor: Actor,
    procedure_code: str,
    data: dict,
    attachments: dict[str, int],
    *,
    agency_id: int | None = None,
    postal: PostalChoice | None = None,
) -> Dossier:
    """Check the form and the documents together (every error at once), then create the
    dossier, link its files, order the postal services chosen, drop the draft and enqueue the
    confirmation e-mail.

    `agency_id` is the receiving unit the applicant chose, when several handle the procedure.
    """
    version = latest_version(session, get_procedure(session, procedure_code))
    slots = document_slots(version)
    errors = missing_documents(slots, attachments)
    try:
        validated_form_data(version, version.procedure_record().get("applicant_form"), data)
    except InvalidInput as error:
        errors = {**error.field_errors, **errors}
    try:
        if postal is not None:
            postal.check()
    except InvalidInput as error:
        errors = {**errors, **error.field_errors}
    if errors:
        raise InvalidInput("Hồ sơ chưa đầy đủ, vui lòng kiểm tra lại.", errors)

    dossier = submit_dossier(session, actor, procedure_code, data, agency_id=agency_id)
    attach_documents(session, actor, dossier, slots, attachments)
    if postal is not None:
        request_postal_services(session, dossier, postal)
    draft = find_draft(session, actor, procedure_code)
    if draft is not None:
        session.delete(draft)
    enqueue_submitted_notice(session, dossier)
    session.flush()
    return dossier


def submit_online_with_uploads(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    procedure_code: str,
    data: dict,
    *,
    uploads: dict[str, tuple[str, bytes]],
    store_choices: dict[str, int],
    agency_id: int | None = None,
    postal: PostalChoice | None = None,
) -> Dossier:
    """A submission in one request (the JSON API): the files, the e-document store choices, the
    form and the postage the caller confirmed, all checked together; any refusal creates nothing.
    """
    refuse_non_applicant(actor)
    procedure = get_procedure(session, procedure_code)
    slots = document_slots(latest_version(session, procedure))
    attachments, upload_errors = fill_slots(
        session,
        actor,
        storage,
        slots,
        current={},
        uploads=uploads,
        store_choices=store_choices,
    )
    if postal is not None:
        _check_postage_confirmed(session, postal, procedure, agency_id)
    try:
        dossier = submit_online(
            session, actor, procedure_code, data, attachments, agency_id=agency_id, postal=postal
        )
    except InvalidInput as error:
        # a refused file is the reason its slot is empty: its message wins over "attach it"
        raise InvalidInput(error.message, {**error.field_errors, **upload_errors}) from None
    if upload_errors:
        raise InvalidInput("Tệp đính kèm không hợp lệ.", upload_errors)
    return dossier


def _check_postage_confirmed(
    session: Session, postal: PostalChoice, procedure, agency_id: int | None
) -> None:
    """As the portal's second "Nộp hồ sơ": the postage of each direction chosen must be the one
    the post office quotes now; a caller that sent none (or another) is told the quote."""
    postal.check()
    quotes = postal_quote(session, postal, procedure, agency_id)
    sent = {PICKUP: postal.pickup_postage, DELIVERY: postal.delivery_postage}
    errors = {
        f"postal_{direction}_postage": (
            f"Cước bưu chính hiện là {amount:,} đồng".replace(",", ".")
            + f"; gửi lại với {direction}_postage = {amount} để xác nhận."
        )
        for direction, amount in quotes.items()
        if sent[direction] != amount
    }
    if errors:
        raise InvalidInput("Vui lòng xác nhận cước bưu chính.", errors)


def enqueue_submitted_notice(session: Session, dossier: Dossier) -> OutboxMessage:
    """The confirmation e-mail, sent by the worker after the commit (notify/applicant)."""
    return queue_applicant_notice(
        session,
        dossier,
        SUBMITTED_TEMPLATE,
        idempotency_key=f"{dossier.id}:submitted:notify/applicant",
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant_name,
        phone=dossier.applicant_phone,
    )
