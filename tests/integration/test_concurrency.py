"""Concurrent steps on a real database: row locks, optimistic versions, daily code sequences."""

from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict
from engine.tasks.models import COMPLETED, Task
from tests.factories import complete, open_task, submit


def run_together(count: int, work) -> list:
    """Start `count` threads at one barrier; return each one's result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.postgres
def test_two_officers_completing_one_task_get_one_success_and_one_conflict(demo, session_factory):
    from engine.agencies.models import Agency
    from engine.db import transaction
    from engine.users.actor import load_actor
    from engine.users.models import RoleAssignment, User

    with session_factory() as session, transaction(session):
        ward = session.query(Agency).filter_by(code="000.00.20.H25").one()
        colleague = User(username="motcua2", full_name="Đỗ Văn Giang", kind="officer")
        colleague.roles = [RoleAssignment(role="reception", agency_id=ward.id)]
        session.add(colleague)
        session.flush()
        colleague_id = colleague.id
    officers = [demo.actor("motcua")]
    with session_factory() as session:
        officers.append(load_actor(session, colleague_id))

    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    results = run_together(
        2, lambda i: complete(session_factory, officers[i], task.id, {"decision": "accept"})
    )

    successes = [r for r in results if r == dossier_id]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert "đã được người khác xử lý" in conflicts[0].message
    with session_factory() as session:
        reception_tasks = session.query(Task).filter_by(dossier_id=dossier_id, role="reception")
        assert [t.state for t in reception_tasks] == [COMPLETED]
        assert session.query(Task).filter_by(dossier_id=dossier_id, role="processing").count() == 1


def test_codes_are_unique_under_eight_concurrent_submissions(demo, session_factory):
    citizen = demo.actor("congdan")
    results = run_together(8, lambda i: submit(session_factory, citizen))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    codes = sorted(code for _, code in results)
    assert len(set(codes)) == 8
    assert [code[-4:] for code in codes] == [f"{n:04d}" for n in range(1, 9)]


@pytest.mark.postgres
def test_a_step_that_waited_for_the_lock_reads_what_the_first_step_committed(demo, session_factory):
    """The second of two steps on one dossier must start from the first one's workflow state
    and tasks, or it overwrites them (a lost update)."""
    from sqlalchemy import update

    from engine.dossiers.step import lock_dossier
    from engine.workflow.models import WorkflowState

    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    first = session_factory()
    lock_dossier(first, dossier_id)
    first.execute(
        update(WorkflowState)
        .where(WorkflowState.dossier_id == dossier_id)
        .values(state=WorkflowState.state + " ")
    )
    first.execute(update(Task).where(Task.id == task.id).values(state=COMPLETED))
    seen: dict = {}

    def second_step() -> None:
        with session_factory() as session:
            dossier = lock_dossier(session, dossier_id)
            seen["state"] = dossier.workflow_state.state
            seen["open"] = [row.id for row in dossier.open_tasks]
            session.rollback()

    waiting = threading.Thread(target=second_step)
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive(), "the second step did not wait for the first one's lock"
    first.commit()
    first.close()
    waiting.join(timeout=30)
    with session_factory() as session:
        committed = session.get(WorkflowState, dossier_id).state
    assert seen["state"] == committed
    assert seen["open"] == []
