"""The e-document store: a citizen's own documents and the results returned to them.

`file_result_to_store` is called by the step that returns a result electronically
(engine/dossiers/results.py), in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents_store.models import SOURCE_RESULT, PersonalDocument
from engine.dossiers.models import Dossier
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.files.models import StoredFile
from engine.files.storage import FileStorage
from engine.files.uploads import store_upload
from engine.users.actor import Actor

APPLICANT_KINDS = ("citizen", "organisation")


def add_personal_document(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    *,
    title: str,
    filename: str,
    content: bytes,
) -> PersonalDocument:
    """A document the citizen adds (a scan of her ID card...); `filename` and `content` empty
    when no file was chosen."""
    if actor.user_id is None or actor.kind not in APPLICANT_KINDS:
        raise Forbidden("Kho giấy tờ điện tử dành cho công dân, tổ chức.")
    if not filename and not content:
        raise InvalidInput("Chưa chọn tệp.", {"file": "Vui lòng chọn tệp giấy tờ."})
    title = (title or "").strip() or (filename or "").strip()
    if not title:
        raise InvalidInput("Thiếu tên giấy tờ.", {"title": "Vui lòng nhập tên giấy tờ."})
    stored = store_upload(session, actor, storage, filename=filename, content=content)
    document = PersonalDocument(user_id=actor.user_id, title=title[:255], stored_file=stored)
    session.add(document)
    session.flush()
    return document


def list_personal_documents(session: Session, actor: Actor) -> list[PersonalDocument]:
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(PersonalDocument)
            .where(PersonalDocument.user_id == actor.user_id)
            .order_by(PersonalDocument.created_at.desc(), PersonalDocument.id.desc())
        )
    )


def get_personal_document(session: Session, actor: Actor, document_id: int) -> PersonalDocument:
    document = session.get(PersonalDocument, document_id)
    if document is None or actor.user_id is None or document.user_id != actor.user_id:
        raise NotFound("Không tìm thấy giấy tờ.")
    return document


def delete_personal_document(session: Session, actor: Actor, document_id: int) -> None:
    """Remove it from the store; a dossier that used it keeps its own copy of the file."""
    session.delete(get_personal_document(session, actor, document_id))
    session.flush()


def file_result_to_store(
    session: Session, dossier: Dossier, stored_file: StoredFile, title: str
) -> PersonalDocument | None:
    """Put an electronically returned result in the applicant's store (None: no account)."""
    if dossier.applicant_user_id is None:
        return None
    copy = stored_file.copy_for(owner_user_id=dossier.applicant_user_id, dossier_id=None)
    document = PersonalDocument(
        user_id=dossier.applicant_user_id,
        title=title[:255],
        stored_file=copy,
        source=SOURCE_RESULT,
        dossier_id=dossier.id,
    )
    session.add(document)
    session.flush()
    return document
