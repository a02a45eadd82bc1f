"""A dossier's history (its events) as each reader may see it.

Officers of an agency handling the dossier read every event whole, as on the workspace's
dossier page. The applicant reads what the portal's dossier page tells them: when, what kind of
step, the status it moved to; who acted and which task only where the page says it, and no
officer's note (a forwarding note, a reason for sending back) but the submission's and the post
office's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.dossiers.models import DossierEvent
from engine.dossiers.queries import get_dossier, list_events
from engine.users.actor import Actor

#: the events whose task title, officer's name and note the portal shows the applicant
APPLICANT_TITLES = frozenset({"task_completed", "timer_fired", "postal_status"})
APPLICANT_ACTORS = frozenset({"task_completed"})
APPLICANT_NOTES = frozenset({"submitted", "postal_status"})


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    action: str
    actor_name: str | None
    task_title: str | None
    from_status: str | None
    to_status: str | None
    note: str | None


def dossier_history(session: Session, actor: Actor, code: str) -> list[HistoryEntry]:
    """Oldest first; NotFound when the actor may not see the dossier."""
    dossier = get_dossier(session, actor, code)
    events = list_events(session, dossier)
    if actor.is_officer:
        return [_whole(event) for event in events]
    return [_as_applicant_sees(event) for event in events]


def _whole(event: DossierEvent) -> HistoryEntry:
    return HistoryEntry(
        event.id,
        event.at,
        event.action,
        event.actor_name or None,
        event.task_title,
        event.from_status,
        event.to_status,
        event.note,
    )


def _as_applicant_sees(event: DossierEvent) -> HistoryEntry:
    return HistoryEntry(
        event.id,
        event.at,
        event.action,
        (event.actor_name or None) if event.action in APPLICANT_ACTORS else None,
        event.task_title if event.action in APPLICANT_TITLES else None,
        event.from_status,
        event.to_status,
        event.note if event.action in APPLICANT_NOTES else None,
    )
