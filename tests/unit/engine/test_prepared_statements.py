"""On PostgreSQL the step's statements are prepared once per connection and then executed by
name; what PostgreSQL cannot prepare still runs, and values arrive exactly as sent."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.db import make_engine, make_session_factory, transaction
from engine.dossiers.models import Dossier
from engine.dossiers.step import lock_dossier
from tests.factories import submit

pytestmark = pytest.mark.postgres


def _prepared(session) -> list[str]:
    return list(session.scalars(text("SELECT statement FROM pg_prepared_statements")))


@pytest.fixture
def engine(database_url):
    """An engine of its own, with one connection: the test sees that connection's statements."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_a_step_read_is_prepared_once_and_then_executed_by_name(demo, engine):
    sessions = make_session_factory(engine)
    dossier_id, code = submit(sessions, demo.actor("congdan"))
    for _ in range(3):
        with sessions() as session, transaction(session):
            assert lock_dossier(session, dossier_id).code == code
    with sessions() as session:
        runs = [
            count
            for count, statement in session.execute(
                text("SELECT generic_plans + custom_plans, statement FROM pg_prepared_statements")
            )
            if "FROM dossiers" in statement and "JOIN workflow_states" in statement
        ]
        # prepared once, executed by name in each of the three transactions
        assert runs == [3]


def test_rolled_back_work_leaves_the_prepared_statements_usable(demo, engine):
    sessions = make_session_factory(engine)
    dossier_id, _ = submit(sessions, demo.actor("congdan"))
    with sessions() as session:
        lock_dossier(session, dossier_id).applicant_name = "Không lưu"
        session.flush()
        session.rollback()
    with sessions() as session, transaction(session):
        assert lock_dossier(session, dossier_id).applicant_name != "Không lưu"


def test_a_statement_postgresql_cannot_prepare_runs_as_text_in_the_same_transaction(engine):
    with make_session_factory(engine)() as session, transaction(session):
        # nothing says which type :value has, so PREPARE fails: the savepoint keeps the
        # transaction alive and the statement runs as text
        assert session.scalar(text("SELECT :value IS NULL"), {"value": None}) is True
        assert session.scalar(text("SELECT :value IS NULL"), {"value": "x"}) is False
        assert session.scalar(text("SELECT 1 + :n"), {"n": 1}) == 2
        assert not [s for s in _prepared(session) if "IS NULL" in s]


def test_quotes_percent_signs_and_vietnamese_arrive_as_written(engine):
    value = "Nguyễn Thị O'Hara 100% — đã nhận"
    with make_session_factory(engine)() as session, transaction(session):
        for _ in range(7):  # past the custom plans, into PostgreSQL's generic plan
            echoed = session.scalar(text("SELECT '50%' || CAST(:v AS text)"), {"v": value})
            assert echoed == "50%" + value
        assert any("CAST($1 AS text)" in s for s in _prepared(session))


def test_they_can_be_turned_off_for_a_pooler_in_transaction_mode(demo, database_url, monkeypatch):
    monkeypatch.setenv("MOTCUA_PREPARED_STATEMENTS", "0")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    try:
        dossier_id, _ = submit(sessions, demo.actor("congdan"))
        with sessions() as session:
            assert session.get(Dossier, dossier_id).status == "submitted"
            assert _prepared(session) == []
    finally:
        engine.dispose()
