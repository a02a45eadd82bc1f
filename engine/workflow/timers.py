"""Firing BPMN timers whose time has come, one dossier per transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.dossiers.step import StepRecord, lock_dossier, run_step
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.workflow.models import Timer


def fire_due_timers(session_factory: sessionmaker[Session], limit: int = 50) -> int:
    """One sweep. Rows are claimed with SKIP LOCKED so several workers share the work."""
    fired = 0
    for _ in range(limit):
        with session_factory() as session, transaction(session):
            timer = session.scalars(
                select(Timer)
                .where(Timer.due_at <= utcnow())
                .order_by(Timer.due_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if timer is None:
                break
            dossier = lock_dossier(session, timer.dossier_id)
            run_step(
                session,
                dossier,
                SYSTEM,
                lambda workflow: workflow.refresh_timers(),
                StepRecord(action="timer_fired"),
            )
            fired += 1
    return fired
