"""The files a dossier carries for its required documents (thành phần hồ sơ).

Each document of procedure.json `documents` gets one upload slot. A slot is filled by a new
upload, by a document from the citizen's e-document store, or by what a saved draft already
holds. A document the online channel satisfies otherwise (`"online": "form"`: the e-form itself;
`"online": "verified"`: checked against the national population database) is not asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents_store.models import PersonalDocument
from engine.dossiers.models import Dossier, DossierDocument
from engine.errors import InvalidInput, NotFound
from engine.files.models import StoredFile
from engine.files.storage import FileStorage
from engine.files.uploads import store_upload
from engine.procedures.models import ProcedureVersion
from engine.users.actor import Actor

SUBMISSION = "submission"
SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class DocumentSlot:
    code: str
    name: str
    required: bool
    note: str

    @property
    def field(self) -> str:
        """The form field name of the slot; field errors are keyed by it."""
        return f"doc_{self.code}"


def document_slots(version: ProcedureVersion) -> list[DocumentSlot]:
    """One slot per document the applicant uploads online."""
    return [
        DocumentSlot(
            code=document["code"],
            name=document["name"],
            required=bool(document.get("required")),
            note=document.get("note", ""),
        )
        for document in version.procedure_record().get("documents", [])
        if document.get("code") and document.get("online") not in ("form", "verified")
    ]


def fill_slots(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    slots: list[DocumentSlot],
    *,
    current: dict[str, int],
    uploads: dict[str, tuple[str, bytes]],
    store_choices: dict[str, int],
) -> tuple[dict[str, int], dict[str, str]]:
    """Slot code -> stored file id after this post, and the slots whose file was refused.

    A refused upload leaves the slot as it was, so one bad file does not drop the others.
    """
    attachments = {code: file_id for code, file_id in current.items() if file_id}
    errors: dict[str, str] = {}
    for slot in slots:
        if slot.code in uploads:
            filename, content = uploads[slot.code]
            try:
                stored = store_upload(
                    session, actor, storage, filename=filename, content=content, field=slot.field
                )
            except InvalidInput as error:
                errors.update(error.field_errors)
                continue
            attachments[slot.code] = stored.id
        elif store_choices.get(slot.code):
            document = _own_personal_document(session, actor, store_choices[slot.code])
            attachments[slot.code] = document.stored_file_id
    return attachments, errors


def missing_documents(slots: list[DocumentSlot], attachments: dict[str, int]) -> dict[str, str]:
    return {
        slot.field: f"Vui lòng đính kèm {slot.name[:1].lower()}{slot.name[1:]}."
        for slot in slots
        if slot.required and not attachments.get(slot.code)
    }


def attach_documents(
    session: Session,
    actor: Actor,
    dossier: Dossier,
    slots: list[DocumentSlot],
    attachments: dict[str, int],
    *,
    purpose: str = SUBMISSION,
) -> list[DossierDocument]:
    """Link the applicant's files to the dossier, so the officers handling it can read them."""
    names = {slot.code: slot.name for slot in slots}
    linked = []
    for code, file_id in attachments.items():
        if code not in names or not file_id:
            continue
        stored = dossier_copy(session, actor, file_id, dossier)
        document = DossierDocument(
            dossier_id=dossier.id,
            document_code=code,
            document_name=names[code],
            stored_file_id=stored.id,
            purpose=purpose,
        )
        session.add(document)
        linked.append(document)
    session.flush()
    return linked


def dossier_copy(session: Session, actor: Actor, file_id: int, dossier: Dossier) -> StoredFile:
    """The actor's file as a file of the dossier: a loose upload is moved, anything else that is
    already in use (the e-document store, another dossier) gets a second row on the same bytes.
    """
    stored = session.get(StoredFile, file_id)
    if stored is None or stored.owner_user_id != actor.user_id or actor.user_id is None:
        raise NotFound("Không tìm thấy tệp.")
    in_store = session.scalar(
        select(PersonalDocument.id).where(PersonalDocument.stored_file_id == stored.id).limit(1)
    )
    if stored.dossier_id is None and in_store is None:
        stored.dossier_id = dossier.id
        return stored
    if stored.dossier_id == dossier.id:
        return stored
    copy = stored.copy_for(owner_user_id=stored.owner_user_id, dossier_id=dossier.id)
    session.add(copy)
    session.flush()
    return copy


def list_dossier_documents(session: Session, dossier: Dossier) -> list[DossierDocument]:
    return list(
        session.scalars(
            select(DossierDocument)
            .where(DossierDocument.dossier_id == dossier.id)
            .order_by(DossierDocument.added_at, DossierDocument.id)
        )
    )


def _own_personal_document(session: Session, actor: Actor, document_id: int) -> PersonalDocument:
    document = session.get(PersonalDocument, document_id)
    if document is None or document.user_id != actor.user_id:
        raise NotFound("Không tìm thấy giấy tờ trong kho của bạn.")
    return document
