"""Notices to the applicant queued by engine actions (BPMN paths queue theirs in service tasks)."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.outbox.models import OutboxMessage

APPLICANT_NOTICE = "notify/applicant"


def queue_applicant_notice(session: Session, dossier: Dossier, template: str, **details) -> None:
    """One outbox row, performed by the worker after the step commits."""
    session.add(
        OutboxMessage(
            dossier_id=dossier.id,
            operation=APPLICANT_NOTICE,
            payload={"dossier_code": dossier.code, "template": template, **details},
            idempotency_key=f"{dossier.id}:{template}:{uuid4().hex}",
        )
    )
