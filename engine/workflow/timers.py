"""Firing BPMN timers whose time has come, one dossier per transaction."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.dossiers.step import StepRecord, WorkflowAction, lock_dossier, run_step
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.workflow import runtime
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
            record = StepRecord(action="timer_fired")
            run_step(session, dossier, SYSTEM, _firing(record), record)
            fired += 1
    return fired


def _firing(record: StepRecord) -> WorkflowAction:
    """The step's action: fire what is due and name the fired timers on the history line."""

    def fire(workflow: BpmnWorkflow) -> None:
        record.task_title = "; ".join(runtime.fire_due_timers(workflow)) or None

    return fire
