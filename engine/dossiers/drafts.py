"""Drafts: what a citizen typed for a procedure, kept server-side until they submit it.

One draft per citizen and procedure; saving again overwrites it. The data is stored as typed,
not validated: a draft may be half filled.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import DossierDraft
from engine.errors import Forbidden, NotFound
from engine.files.models import StoredFile
from engine.procedures.queries import get_procedure
from engine.users.actor import Actor

APPLICANT_KINDS = ("citizen", "organisation")
MAX_DRAFT_CHARS = 200_000


def save_draft(
    session: Session, actor: Actor, procedure_code: str, data: dict, attachments: dict[str, int]
) -> DossierDraft:
    if actor.user_id is None or actor.kind not in APPLICANT_KINDS:
        raise Forbidden("Chỉ công dân, tổ chức đã đăng nhập mới lưu được hồ sơ nháp.")
    procedure = get_procedure(session, procedure_code)
    if len(repr(data)) > MAX_DRAFT_CHARS:
        raise Forbidden("Hồ sơ nháp quá lớn.")
    for file_id in attachments.values():
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.owner_user_id != actor.user_id:
            raise NotFound("Không tìm thấy tệp.")
    draft = find_draft(session, actor, procedure_code)
    if draft is None:
        draft = DossierDraft(user_id=actor.user_id, procedure_id=procedure.id)
        session.add(draft)
    draft.data = dict(data)
    draft.attachments = {code: int(file_id) for code, file_id in attachments.items() if file_id}
    session.flush()
    return draft


def find_draft(session: Session, actor: Actor, procedure_code: str) -> DossierDraft | None:
    """The actor's own draft for the procedure; another citizen's is never returned."""
    if actor.user_id is None:
        return None
    procedure = get_procedure(session, procedure_code)
    return session.scalar(
        select(DossierDraft).where(
            DossierDraft.user_id == actor.user_id, DossierDraft.procedure_id == procedure.id
        )
    )


def get_draft(session: Session, actor: Actor, draft_id: int) -> DossierDraft:
    draft = session.get(DossierDraft, draft_id)
    if draft is None or actor.user_id is None or draft.user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ nháp.")
    return draft


def list_drafts(session: Session, actor: Actor) -> list[DossierDraft]:
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(DossierDraft)
            .where(DossierDraft.user_id == actor.user_id)
            .order_by(DossierDraft.updated_at.desc())
        )
    )


def delete_draft(session: Session, actor: Actor, draft_id: int) -> None:
    session.delete(get_draft(session, actor, draft_id))
    session.flush()
