"""The background worker: BPMN timers, the outbox and deadline warnings, driven by APScheduler,
with a heartbeat row so the system page can tell it is alive.

Run any number of these against one PostgreSQL database; rows are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.connector_tokens.store import install_token_stores
from engine.db import make_engine, make_session_factory
from engine.deadlines.escalation import sweep_deadline_warnings
from engine.document_issues.polling import poll_document_issues
from engine.encryption.keys import settings_keys
from engine.heartbeat.workers import beat, this_worker_id
from engine.idempotency.keys import sweep_idempotency_keys
from engine.national_portal.catalogue import FETCH_EVERY_SECONDS as CATALOGUE_EVERY_SECONDS
from engine.national_portal.catalogue import fetch_portal_catalogue
from engine.national_portal.incoming import FETCH_EVERY_SECONDS as INCOMING_EVERY_SECONDS
from engine.national_portal.incoming import fetch_portal_dossiers
from engine.outbox.dispatch import drain_due
from engine.payments.reconciliation import reconcile_payments
from engine.postal.tracking import EVERY_SECONDS as TRACKING_EVERY_SECONDS
from engine.postal.tracking import track_shipments
from engine.rate_limits.counters import sweep_rate_limits
from engine.timestamps import utcnow
from engine.workflow.timers import fire_due_timers


def run_worker(database_url: str | None = None, interval_seconds: float = 2.0) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # every job runs every few seconds: APScheduler's "executed successfully" lines drown the log
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings_keys()  # production refuses to start without MOTCUA_SETTINGS_KEY
    session_factory = make_session_factory(make_engine(database_url))
    scheduler = worker_scheduler(session_factory, interval_seconds)
    logging.getLogger(__name__).info("motcua worker started")
    scheduler.start()


def worker_scheduler(
    session_factory: sessionmaker[Session], interval_seconds: float = 2.0
) -> BlockingScheduler:
    """The worker's jobs, not yet started: timers, outbox, deadline warnings, heartbeat and the
    national portal's incoming dossiers and catalogue and the post office's tracking (each at
    its own, slower pace)."""
    # connectors with rotating OAuth tokens (Zalo) keep them in this database
    install_token_stores(session_factory)
    scheduler = BlockingScheduler(timezone="UTC")
    jobs = [
        (job, [session_factory], interval_seconds)
        for job in (
            fire_due_timers,
            drain_due,
            reconcile_payments,
            poll_document_issues,
            sweep_deadline_warnings,
            sweep_rate_limits,
            sweep_idempotency_keys,
        )
    ]
    jobs.append((beat, [session_factory, this_worker_id()], interval_seconds))
    jobs.append((fetch_portal_dossiers, [session_factory], INCOMING_EVERY_SECONDS))
    jobs.append((fetch_portal_catalogue, [session_factory], CATALOGUE_EVERY_SECONDS))
    jobs.append((track_shipments, [session_factory], TRACKING_EVERY_SECONDS))
    for job, args, seconds in jobs:
        scheduler.add_job(
            job,
            "interval",
            args=args,
            seconds=seconds,
            max_instances=1,
            coalesce=True,
            id=job.__name__,
            next_run_time=utcnow(),
        )
    return scheduler
