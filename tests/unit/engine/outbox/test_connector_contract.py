"""The connector contract as the worker carries it out: retries with jittered backoff, permanent
refusals thrown as BPMN errors, long-running calls completed once, declared parameters only."""

from __future__ import annotations

import random
from datetime import timedelta
from importlib.metadata import EntryPoint

import pytest
from sqlalchemy import select

import connectors.registry as registry
from connectors.contract import Operation, OperationRefused
from engine.db import transaction
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.submission import submit_dossier
from engine.outbox.backlog import retry_failed
from engine.outbox.dispatch import BACKOFF_CAP_SECONDS, MAX_ATTEMPTS, perform_due, retry_delay
from engine.outbox.models import DONE, FAILED, PENDING, WAITING, OutboxMessage
from engine.outbox.waiting import complete_waiting_call
from engine.procedures.models import Procedure
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import PackageRefused, publish_package
from engine.tasks.models import OPEN, Task
from engine.users.actor import SYSTEM
from tests.unit.engine.workflow.test_worker_jobs import (
    WAITING_PACKAGE,
    publish_waiting_procedure,
    submit_waiting,
)
from tests.unit.processes.test_household_business import HO_KINH_DOANH, application


def test_backoff_grows_with_jitter_and_a_cap():
    for attempts in (1, 3, 6):
        delays = {retry_delay(attempts) for _ in range(50)}
        assert all(timedelta(0) <= d <= timedelta(seconds=5 * 2**attempts) for d in delays)
        assert len(delays) > 1  # two workers do not retry in the same second
    assert retry_delay(30) <= timedelta(seconds=BACKOFF_CAP_SECONDS)


def test_a_provider_outage_under_ten_minutes_never_uses_up_the_attempts(monkeypatch):
    # found by bench/soak.py --outage 300: with full jitter (each wait uniform from 0), all 8
    # attempts fell inside a 5-minute outage for about 6 % of the rows, which ended FAILED
    monkeypatch.setattr(random, "uniform", lambda low, high: low)  # the shortest waits drawn
    waited = sum((retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS)), timedelta())
    assert waited >= timedelta(minutes=10)


def submit_household(session_factory, actor) -> int:
    with session_factory() as session, transaction(session):
        return submit_dossier(session, actor, HO_KINH_DOANH, application()).id


def test_a_waived_fee_takes_the_diagrams_error_path_to_reception(demo, session_factory):
    with session_factory() as session, transaction(session):
        procedure = session.scalar(select(Procedure).where(Procedure.code == HO_KINH_DOANH))
        procedure.record = {**procedure.record, "fees": [{"name": "Lệ phí", "amount": 0}]}
    dossier_id = submit_household(session_factory, demo.actor("congdan"))

    assert perform_due(session_factory) == 1
    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "payment/collect")
        ).one()
        assert row.status == DONE and row.result["code"] == "no_fee"
        tasks = session.scalars(select(Task).where(Task.dossier_id == dossier_id)).all()
        assert [(t.title, t.state) for t in tasks] == [("Tiếp nhận hồ sơ, thu lệ phí", OPEN)]
        actions = [e.action for e in session.query(DossierEvent).filter_by(dossier_id=dossier_id)]
        assert actions == ["submitted", "service_refused"]


@pytest.fixture
def refusing_lookup():
    def perform(payload: dict, key: str, settings: dict) -> dict:
        raise OperationRefused("not_found", "Không có công dân với số định danh này.")

    registry.register(Operation("test/lookup", "Tra cứu", True, perform, parameters=("id_number",)))
    yield
    registry.unregister("test/lookup")


def test_an_uncaught_refusal_is_an_incident_at_once_and_retry_by_hand_works(
    demo, session_factory, refusing_lookup
):
    publish_waiting_procedure(session_factory)
    dossier_id = submit_waiting(session_factory, demo.actor("congdan"), "074090001234")
    assert perform_due(session_factory) == 1
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts) == (FAILED, 1)
        assert "Không có công dân" in row.last_error
        assert session.get(Dossier, dossier_id).status == "submitted"  # still waiting
    with session_factory() as session, transaction(session):
        assert retry_failed(session, demo.actor("quantritinh"), row.id) == 1
    with session_factory() as session:
        assert session.get(OutboxMessage, row.id).status == PENDING


def test_a_long_running_call_is_completed_once_whoever_comes_second(demo, session_factory):
    dossier_id = submit_household(session_factory, demo.actor("congdan"))
    perform_due(session_factory)
    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "payment/collect")
        ).one()
        assert row.status == WAITING
    for expected in (True, False):  # a callback, then the same callback again
        with session_factory() as session, transaction(session):
            assert complete_waiting_call(session, row.id, {"paid": True}) is expected
    with session_factory() as session:
        assert session.get(OutboxMessage, row.id).status == DONE
        assert session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).count() == 1
        events = session.query(DossierEvent).filter_by(dossier_id=dossier_id).count()
        assert events == 2


def test_a_parameter_the_operation_does_not_declare_is_refused_at_publishing(session_factory):
    registry.register(Operation("test/lookup", "Tra cứu", True, lambda *a: {}))
    try:
        with session_factory() as session, pytest.raises(PackageRefused) as refused:
            publish_package(session, SYSTEM, load_package_dir(WAITING_PACKAGE))
    finally:
        registry.unregister("test/lookup")
    problems = [p for p in refused.value.problems if p.rule == "undeclared_parameter"]
    assert [p.element_id for p in problems] == ["Task_Lookup"]
    assert "id_number" in problems[0].message


def test_a_provinces_connector_package_registers_through_an_entry_point(monkeypatch):
    point = EntryPoint(
        name="tinh",
        value="tests.unit.engine.outbox.province_connector:register_operations",
        group=registry.ENTRY_POINT_GROUP,
    )
    monkeypatch.setattr(registry, "entry_points", lambda group: [point])
    monkeypatch.setattr(registry, "_loaded", False)
    try:
        operation = registry.find_operation("tinh/tra-cuu-dat-dai")
        assert operation is not None and operation.parameters == ("so_thua",)
        assert "notify/applicant" in registry.operation_names()
    finally:
        registry.unregister("tinh/tra-cuu-dat-dai")
