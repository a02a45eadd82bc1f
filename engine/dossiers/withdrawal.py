"""Citizen withdrawal (status 7): the applicant asks, from the portal or at the counter.

An engine action, not a BPMN path: the withdrawal can come at any point, so it cancels the whole
workflow and ends the dossier as `withdrawn` with the reason in the history, then queues the
notice. (A message-started event subprocess was tried: SpiffWorkflow 3.2 does not let it
interrupt the main flow, and firing it adds the subprocess to the shared, cached process spec, so
every later dossier of that version would never complete.)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.queries import may_see
from engine.dossiers.statuses import get_status
from engine.dossiers.step import StepRecord, lock_dossier, run_step
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.users.actor import Actor

WITHDRAWN = "withdrawn"


def withdraw_dossier(session: Session, actor: Actor, code: str, *, reason: str) -> Dossier:
    """End an unfinished dossier at its applicant's request, with the reason in the history."""
    dossier = lock_dossier_by_code(session, actor, code)
    if not may_withdraw(actor, dossier):
        raise Forbidden("Chỉ người nộp hồ sơ hoặc cán bộ một cửa mới rút được hồ sơ.")
    if not is_withdrawable(dossier):
        raise Conflict("Hồ sơ đã có kết quả hoặc đã kết thúc nên không rút được.")
    reason = (reason or "").strip()
    if not reason:
        message = "Vui lòng nêu lý do rút hồ sơ."
        raise InvalidInput(message, {"reason": message})

    run_step(
        session,
        dossier,
        actor,
        lambda workflow: workflow.cancel(),
        StepRecord(action="withdrawn", note=reason, status=WITHDRAWN),
    )
    queue_applicant_notice(session, dossier, "withdrawn")
    return dossier


def may_withdraw(actor: Actor, dossier: Dossier) -> bool:
    if actor.user_id is not None and dossier.applicant_user_id == actor.user_id:
        return True
    return actor.has_role("reception", dossier.receiving_agency_id)


def is_withdrawable(dossier: Dossier) -> bool:
    status = get_status(dossier.status)
    return not status.final and status.clock != "finished"


def lock_dossier_by_code(session: Session, actor: Actor, code: str) -> Dossier:
    """Lock a dossier the actor may see; NotFound otherwise (existence is not revealed)."""
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
    if dossier_id is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    dossier = lock_dossier(session, dossier_id)
    if not may_see(actor, dossier):
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier
