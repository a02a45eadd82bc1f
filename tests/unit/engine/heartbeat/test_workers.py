"""A worker run leaves a heartbeat; a silent worker is shown as not running."""

from __future__ import annotations

from datetime import timedelta

from engine.heartbeat.models import WorkerHeartbeat
from engine.heartbeat.workers import ALIVE_WITHIN, this_worker_id, worker_statuses
from engine.timestamps import utcnow
from engine.worker import worker_scheduler


def run_every_job_once(session_factory) -> list[str]:
    scheduler = worker_scheduler(session_factory)
    jobs = scheduler.get_jobs()
    for job in jobs:
        job.func(*job.args)
    return [job.id for job in jobs]


def test_a_worker_run_records_its_heartbeat(session_factory):
    assert "beat" in run_every_job_once(session_factory)
    with session_factory() as session:
        [status] = worker_statuses(session)
    assert status.heartbeat.worker_id == this_worker_id()
    assert status.alive
    first_seen = status.heartbeat.last_seen

    run_every_job_once(session_factory)
    with session_factory() as session:
        [status] = worker_statuses(session)
    assert status.heartbeat.last_seen >= first_seen
    assert status.heartbeat.started_at <= first_seen


def test_a_silent_worker_is_not_alive(session_factory):
    run_every_job_once(session_factory)
    later = utcnow() + ALIVE_WITHIN + timedelta(seconds=1)
    with session_factory() as session:
        [status] = worker_statuses(session, now=later)
        assert not status.alive
        assert session.get(WorkerHeartbeat, this_worker_id()).pid > 0
