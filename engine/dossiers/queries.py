"""Reads of dossiers, each filtered by what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine.dossiers.models import Dossier, DossierAgency, DossierEvent
from engine.dossiers.statuses import status_label
from engine.errors import NotFound
from engine.users.actor import Actor


def get_dossier(session: Session, actor: Actor, code: str) -> Dossier:
    """The dossier if the actor may see it; NotFound otherwise (existence is not revealed)."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or not may_see(actor, dossier):
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


def may_see(actor: Actor, dossier: Dossier) -> bool:
    if actor.user_id is not None and dossier.applicant_user_id == actor.user_id:
        return True
    if actor.is_officer:
        involved = {dossier.agency_id, dossier.receiving_agency_id}
        involved.update(link.agency_id for link in dossier.agency_links)
        return bool(involved & actor.agency_ids)
    return False


def list_applicant_dossiers(session: Session, actor: Actor) -> list[Dossier]:
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.applicant_user_id == actor.user_id)
            .order_by(Dossier.created_at.desc())
        )
    )


def applicant_dossiers_after(
    session: Session, actor: Actor, after_id: int, limit: int
) -> list[Dossier]:
    """The applicant's dossiers with an id above `after_id`, by id, at most `limit`: one page of
    a keyset-paged list, read with their procedures (the API's pages)."""
    if actor.user_id is None:
        return []
    return list(
        session.scalars(
            select(Dossier)
            .where(Dossier.applicant_user_id == actor.user_id, Dossier.id > after_id)
            .options(joinedload(Dossier.procedure, innerjoin=True))
            .order_by(Dossier.id)
            .limit(limit)
        )
    )


def list_agency_dossiers(session: Session, actor: Actor, limit: int = 50) -> list[Dossier]:
    agencies = sorted(actor.agency_ids)
    return list(
        session.scalars(
            select(Dossier)
            .where(
                or_(
                    Dossier.agency_id.in_(agencies),
                    Dossier.receiving_agency_id.in_(agencies),
                    Dossier.id.in_(
                        select(DossierAgency.dossier_id).where(
                            DossierAgency.agency_id.in_(agencies)
                        )
                    ),
                )
            )
            .order_by(Dossier.created_at.desc())
            .limit(limit)
        )
    )


def list_events(session: Session, dossier: Dossier) -> list[DossierEvent]:
    return list(
        session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier.id)
            .order_by(DossierEvent.at, DossierEvent.id)
        )
    )


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    status_label: str


@dataclass(frozen=True)
class PublicDossier:
    """What anyone holding the code may see: status and progress, never personal data."""

    code: str
    procedure_name: str
    agency_name: str
    status_label: str
    national_status: int
    received_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None
    steps: list[PublicStep]
    #: the fees' state ("Đã thanh toán"...), None when the dossier owes none
    payment_label: str | None = None


def lookup_dossier(session: Session, code: str) -> PublicDossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip()))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ với mã này. Vui lòng kiểm tra lại mã hồ sơ.")
    steps = []
    for event in list_events(session, dossier):
        if event.to_status and (
            not steps or steps[-1].status_label != status_label(event.to_status)
        ):
            steps.append(PublicStep(at=event.at, status_label=status_label(event.to_status)))
    return PublicDossier(
        code=dossier.code,
        procedure_name=dossier.procedure.name,
        agency_name=dossier.agency.name,
        status_label=status_label(dossier.status),
        national_status=dossier.national_status,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        returned_at=dossier.returned_at,
        steps=steps,
        payment_label=_payment_label(session, dossier.id),
    )


def _payment_label(session: Session, dossier_id: int) -> str | None:
    from engine.payments.collection import current_payment
    from engine.payments.models import STATE_LABELS

    payment = current_payment(session, dossier_id)
    return STATE_LABELS[payment.state] if payment is not None else None
