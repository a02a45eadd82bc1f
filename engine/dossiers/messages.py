"""Messages between the applicant and the officers about one dossier, both ways.

A withdrawal request is a message of kind `withdrawal_request`: the officers see it on the
dossier and act on it. (Withdrawing as a workflow action, status `withdrawn`, belongs to the
processing actions; until it is on main the request is recorded here only.)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, DossierMessage
from engine.dossiers.queries import get_dossier
from engine.dossiers.statuses import get_status
from engine.errors import Conflict, InvalidInput, NotFound
from engine.files.models import StoredFile
from engine.users.actor import Actor

MESSAGE = "message"
WITHDRAWAL_REQUEST = "withdrawal_request"
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


def request_withdrawal(session: Session, actor: Actor, dossier_code: str, reason: str):
    """The applicant asks to withdraw (Công dân yêu cầu rút hồ sơ); officers decide."""
    dossier = get_dossier(session, actor, dossier_code)
    if dossier.applicant_user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    if get_status(dossier.status).final:
        raise Conflict("Hồ sơ đã kết thúc, không thể rút.")
    if withdrawal_requested(session, dossier):
        raise Conflict("Bạn đã gửi yêu cầu rút hồ sơ này.")
    text = (reason or "").strip() or "Không nêu lý do."
    return send_message(
        session, actor, dossier_code, f"Yêu cầu rút hồ sơ. Lý do: {text}", kind=WITHDRAWAL_REQUEST
    )


def withdrawal_requested(session: Session, dossier: Dossier) -> bool:
    return (
        session.scalar(
            select(DossierMessage.id)
            .where(
                DossierMessage.dossier_id == dossier.id,
                DossierMessage.kind == WITHDRAWAL_REQUEST,
            )
            .limit(1)
        )
        is not None
    )


def list_messages(session: Session, actor: Actor, dossier_code: str) -> list[DossierMessage]:
    dossier = get_dossier(session, actor, dossier_code)
    return list(
        session.scalars(
            select(DossierMessage)
            .where(DossierMessage.dossier_id == dossier.id)
            .order_by(DossierMessage.created_at, DossierMessage.id)
        )
    )
