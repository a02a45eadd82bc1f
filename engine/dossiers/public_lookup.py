"""What the public lookup adds for someone who proves they are the applicant.

Anyone holding a dossier code sees its status and progress (engine.dossiers.queries
.lookup_dossier). Personal data is shown only to the signed-in applicant, or to whoever types
the last 4 digits of the phone number the applicant gave.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_days import calendar_from_session
from engine.dossiers.models import Dossier
from engine.timestamps import utcnow
from engine.users.actor import Actor


@dataclass(frozen=True)
class ApplicantDetails:
    name: str
    phone: str | None
    email: str | None
    id_number: str | None


def applicant_details(
    session: Session, actor: Actor, code: str, phone_last4: str = ""
) -> ApplicantDetails | None:
    """The applicant's data if the caller proved who they are; None otherwise."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip()))
    if dossier is None or not _proves_applicant(dossier, actor, phone_last4):
        return None
    return ApplicantDetails(
        name=dossier.applicant_name,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        id_number=dossier.applicant_id_number,
    )


def _proves_applicant(dossier: Dossier, actor: Actor, phone_last4: str) -> bool:
    if actor.user_id is not None and dossier.applicant_user_id == actor.user_id:
        return True
    digits = "".join(c for c in (dossier.applicant_phone or "") if c.isdigit())
    given = (phone_last4 or "").strip()
    return len(digits) >= 4 and len(given) == 4 and hmac.compare_digest(digits[-4:], given)


@dataclass(frozen=True)
class Appointment:
    """When the result is due; `estimated` until the one-stop has received the dossier."""

    at: datetime | None
    estimated: bool


def appointment(session: Session, dossier: Dossier) -> Appointment:
    if dossier.due_at is not None or dossier.status != "submitted":
        return Appointment(at=dossier.due_at, estimated=False)
    calendar = calendar_from_session(session)
    return Appointment(
        at=calendar.due_at(utcnow(), dossier.procedure.deadline_working_days), estimated=True
    )


def find_dossier_by_code(session: Session, code: str) -> Dossier | None:
    """For public pages that already answered NotFound through lookup_dossier."""
    return session.scalar(select(Dossier).where(Dossier.code == code.strip()))
