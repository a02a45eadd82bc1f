"""The applicant signs their own form (tờ khai) with their remote-signing account, where the
procedure asks for it (procedure.json `"applicant_signature": "remote"`).

The citizen asks for it on their dossier page after submitting: the form is printed with their
answers (forms/documents/blank_form.py), filed among the dossier's documents, and the remote
signing provider asks them to approve on their phone, as for a leader's signature
(engine/signing/remote.py). The one-stop sees whether the form is signed; an online dossier is
valid without it (the citizen signed in with VNeID), so reception does not wait for it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, DossierDocument
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput, NotFound
from engine.files.storage import FileStorage
from engine.files.uploads import store_upload
from engine.procedures.form_data import applicant_form_name, version_form
from engine.signing.models import FAILED, DocumentSignature
from engine.signing.requests import request_signature
from engine.users.actor import Actor
from forms.documents.blank_form import blank_form_pdf

FORM_DOCUMENT_CODE = "to_khai_ky_so"
FORM_DOCUMENT_NAME = "Tờ khai (bản ký số)"


def asks_applicant_signature(dossier: Dossier) -> bool:
    record = dossier.procedure_version.procedure_record()
    return record.get("applicant_signature") == "remote"


def form_signature(session: Session, dossier: Dossier) -> DocumentSignature | None:
    """The latest signature asked on the dossier's form, if any."""
    return session.scalars(
        select(DocumentSignature)
        .join(DossierDocument, DossierDocument.id == DocumentSignature.document_id)
        .where(
            DocumentSignature.dossier_id == dossier.id,
            DossierDocument.document_code == FORM_DOCUMENT_CODE,
        )
        .order_by(DocumentSignature.id.desc())
        .limit(1)
    ).first()


def may_ask_form_signature(session: Session, actor: Actor, dossier: Dossier) -> bool:
    """The applicant of a procedure that asks, with no signature pending or made."""
    if dossier.applicant_user_id != actor.user_id or not asks_applicant_signature(dossier):
        return False
    earlier = form_signature(session, dossier)
    return earlier is None or earlier.state == FAILED


def request_form_signature(
    session: Session, actor: Actor, storage: FileStorage, code: str
) -> DocumentSignature:
    """Print the applicant's form with their answers and ask them to sign it remotely."""
    dossier = get_dossier(session, actor, code)
    if dossier.applicant_user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    if not asks_applicant_signature(dossier):
        raise InvalidInput("Thủ tục này không yêu cầu ký số tờ khai.")
    earlier = form_signature(session, dossier)
    if earlier is not None and earlier.state != FAILED:
        raise InvalidInput(
            "Tờ khai đã được gửi ký số. Vui lòng xác nhận trên ứng dụng ký số của bạn."
            if earlier.state == "pending"
            else "Tờ khai đã được ký số."
        )
    version = dossier.procedure_version
    pdf = blank_form_pdf(
        version_form(version, applicant_form_name(version)),
        procedure_name=dossier.procedure.name,
        agency_name=dossier.agency.name,
        answers=dossier.form_data,
        signer_name=dossier.applicant_name,
    )
    stored = store_upload(
        session,
        actor,
        storage,
        filename=f"to-khai-{dossier.code}.pdf",
        content=pdf,
        field="form",
        dossier_id=dossier.id,
    )
    document = DossierDocument(
        dossier_id=dossier.id,
        document_code=FORM_DOCUMENT_CODE,
        document_name=FORM_DOCUMENT_NAME,
        stored_file_id=stored.id,
        purpose="submission",
    )
    session.add(document)
    session.flush()
    return request_signature(
        session, dossier, document, f"Ký tờ khai hồ sơ {dossier.code}", remote_signer=actor
    )
