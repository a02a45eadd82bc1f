"""Messages between the applicant and the officers about one dossier, both ways.

(Withdrawal is not a message: it is an action on the dossier, engine/dossiers/withdrawal.py.)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import DossierMessage
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput, NotFound
from engine.files.models import StoredFile
from engine.files.storage import FileStorage
from engine.files.uploads import store_upload
from engine.users.actor import Actor

MESSAGE = "message"
MAX_BODY = 4000


def send_message(
    session: Session,
    actor: Actor,
    dossier_code: str,
    body: str,
    *,
    stored_file_id: int | None = None,
    kind: str = MESSAGE,
) -> DossierMessage:
    """Post a message on a dossier the actor may see (the applicant, or its agency's officers)."""
    dossier = get_dossier(session, actor, dossier_code)
    from_applicant = actor.user_id is not None and dossier.applicant_user_id == actor.user_id
    if not from_applicant and not actor.is_officer:
        raise NotFound("Không tìm thấy hồ sơ.")
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Nội dung tin nhắn trống.", {"body": "Vui lòng nhập nội dung."})
    if len(body) > MAX_BODY:
        raise InvalidInput("Tin nhắn quá dài.", {"body": f"Nội dung tối đa {MAX_BODY} ký tự."})
    if stored_file_id is not None:
        stored = session.get(StoredFile, stored_file_id)
        if stored is None or stored.owner_user_id != actor.user_id:
            raise NotFound("Không tìm thấy tệp.")
        stored.dossier_id = dossier.id
    message = DossierMessage(
        dossier_id=dossier.id,
        sender_user_id=actor.user_id,
        sender_name=actor.full_name,
        from_applicant=from_applicant,
        kind=kind,
        body=body,
        stored_file_id=stored_file_id,
    )
    session.add(message)
    session.flush()
    return message


def list_messages(session: Session, actor: Actor, dossier_code: str) -> list[DossierMessage]:
    dossier = get_dossier(session, actor, dossier_code)
    return list(
        session.scalars(
            select(DossierMessage)
            .where(DossierMessage.dossier_id == dossier.id)
            .order_by(DossierMessage.created_at, DossierMessage.id)
        )
    )


def post_message(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    dossier_code: str,
    body: str,
    attachment: tuple[str, bytes] | None = None,
) -> DossierMessage:
    """A message with an optional attached file, checked and stored, in one unit of work."""
    dossier = get_dossier(session, actor, dossier_code)
    stored_file_id = None
    if attachment is not None:
        filename, content = attachment
        stored_file_id = store_upload(
            session,
            actor,
            storage,
            filename=filename,
            content=content,
            field="attachment",
            dossier_id=dossier.id,
        ).id
    return send_message(session, actor, dossier_code, body, stored_file_id=stored_file_id)
