"""National portal tests share these: the sandbox adapter with the connector pointed at it and
sync on (the `adapter` fixture, imported by each test folder's conftest), and a worker that
drains the outbox as time passes."""

from __future__ import annotations

import pytest
from sqlalchemy import update

import connectors.national_portal
from connectors.national_portal.sandbox import NationalPortalSandbox
from engine.connector_tokens.store import install_token_stores
from engine.db import transaction
from engine.outbox.dispatch import perform_due
from engine.outbox.models import PENDING, OutboxMessage
from engine.timestamps import utcnow


@pytest.fixture
def adapter(monkeypatch, session_factory):
    sandbox = NationalPortalSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    install_token_stores(session_factory)
    yield sandbox
    connectors.national_portal.set_session_store_factory(None)
    sandbox.stop()


def run_worker(session_factory, sweeps: int = 30) -> None:
    """Sweep the outbox until nothing is due, every backoff having elapsed between sweeps."""
    for _ in range(sweeps):
        with session_factory() as session, transaction(session):
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == PENDING)
                .values(next_attempt_at=utcnow())
            )
        if not perform_due(session_factory):
            return
