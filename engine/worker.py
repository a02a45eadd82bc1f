"""The background worker: BPMN timers and the outbox, driven by APScheduler.

Run any number of these against one PostgreSQL database; rows are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from engine.db import make_engine, make_session_factory
from engine.deadlines.escalation import sweep_deadline_warnings
from engine.outbox.dispatch import perform_due
from engine.rate_limits.counters import sweep_rate_limits
from engine.workflow.timers import fire_due_timers


def run_worker(database_url: str | None = None, interval_seconds: float = 2.0) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    session_factory = make_session_factory(make_engine(database_url))
    scheduler = BlockingScheduler(timezone="UTC")
    for job in (fire_due_timers, perform_due, sweep_deadline_warnings, sweep_rate_limits):
        scheduler.add_job(
            job,
            "interval",
            args=[session_factory],
            seconds=interval_seconds,
            max_instances=1,
            coalesce=True,
            id=job.__name__,
        )
    logging.getLogger(__name__).info("motcua worker started")
    scheduler.start()
