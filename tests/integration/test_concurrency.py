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
