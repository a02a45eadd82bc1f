"""Step throughput: raw SpiffWorkflow vs the platform's step through the service layer.

Prints, for the shipped birth-registration process:
- raw SpiffWorkflow steps/s, each step a user-task completion plus engine steps plus a full
  JSON serialize/deserialize round trip (what any persistent engine must at least do);
- the platform's steps/s through engine services (lock, load, validate, complete, run, save,
  read model, history, outbox, commit) on SQLite and, with MOTCUA_BENCH_POSTGRES_URL, PostgreSQL;
- the ratio platform/raw per step, where a step's time goes (statements sent and the time
  waiting for them, the commit, the rest: Python), and full lifecycles per second
  (1 submission + 4 tasks) with 1, 2 and 4 processes;
- on PostgreSQL, the step p50 with the database holding 1,000 dossiers and again after filling
  it to --volume dossiers (default 1,000,000: copies of a real dossier with one history event
  each and one open task in five, inserted by SQL, then VACUUM ANALYZE).

Usage: python bench/step_throughput.py [--lifecycles N] [--volume N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PACKAGE = ROOT / "processes" / "dang_ky_khai_sinh"
TASK_DATA = {
    "Task_Reception": {"decision": "accept"},
    "Task_Processing": {"verification_note": "Hồ sơ hợp lệ.", "proposal": "propose_approve"},
    "Task_Approval": {"approval_decision": "approve"},
    "Task_ReturnResult": {"return_channel": "counter", "returned_to": "Nguyễn Văn An"},
}


HOLDERS = ("congdan", "motcua", "thuly", "lanhdao")


def raw_steps_per_second(lifecycles: int) -> tuple[float, int, int]:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.task import TaskState

    class Engine(PythonScriptEngine):
        def call_service(self, task, **kwargs):
            return json.dumps({"queued": True})

    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(PACKAGE / "process.bpmn"))
    process_id = parser.get_process_ids()[0]
    spec, subprocesses = parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = Engine()
    steps, size = 0, 0
    started = time.perf_counter()
    for _ in range(lifecycles):
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=engine)
        workflow.do_engine_steps()
        text = serializer.serialize_json(workflow)
        steps += 1
        while not workflow.is_completed():
            workflow = serializer.deserialize_json(text)
            workflow.script_engine = engine
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(TASK_DATA[task.task_spec.bpmn_id])
            task.run()
            workflow.do_engine_steps()
            text = serializer.serialize_json(workflow)
            size = max(size, len(text))
            steps += 1
    elapsed = time.perf_counter() - started
    return steps / elapsed, steps, size


def _prepare_database(url: str) -> None:
    from engine.db import make_engine, make_session_factory, transaction
    from engine.demo import load_demo_data
    from engine.schema import upgrade_database

    upgrade_database(url)
    with make_session_factory(make_engine(url))() as session, transaction(session):
        load_demo_data(session)


class StatementClock:
    """Statements the steps send and the time spent waiting for their answers (the driver's
    `execute`, so the database's work and the round trip) and for their commits: what is left
    of a step's time is Python (SQLAlchemy, SpiffWorkflow, the platform's own code)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.statements, self.executing, self.committing = 0, 0.0, 0.0
        self.counting = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, connection, *_args) -> None:
        connection.info["bench_started"] = time.perf_counter()

    def _after(self, connection, *_args) -> None:
        if self.counting:
            self.statements += 1
            self.executing += time.perf_counter() - connection.info["bench_started"]

    def step(self, sessions, work, *args):
        """Run `work(session, *args)` as one step in its own transaction, counted; its result."""
        from engine.db import transaction

        with sessions() as session:
            self.counting = True
            with transaction(session):
                result = work(session, *args)
                committing = time.perf_counter()
            self.committing += time.perf_counter() - committing
            self.counting = False
        return result


def _platform_run(
    url: str, lifecycles: int, clock_out: dict | None = None
) -> tuple[int, float, list[float], int]:
    """Run lifecycles; return (steps, seconds, per-step ms, state bytes). With `clock_out`,
    also fill it with the steps' statement count, statement and commit time (ms per step)."""
    from sqlalchemy import select

    from engine.db import make_engine, make_session_factory
    from engine.dossiers.submission import submit_dossier
    from engine.tasks.completion import complete_task
    from engine.tasks.models import OPEN, Task
    from engine.users.actor import load_actor
    from engine.users.models import User
    from engine.workflow.models import WorkflowState

    engine = make_engine(url, pool_size=2) if "postgres" in url else make_engine(url)
    sessions = make_session_factory(engine)
    clock = StatementClock(engine)
    with sessions() as session:
        ids = dict(session.execute(select(User.username, User.id)).all())
        actors = {
            name: load_actor(session, ids[name])
            for name in ("congdan", "motcua", "thuly", "lanhdao")
        }
    holder = {"reception": "motcua", "processing": "thuly", "leader": "lanhdao"}
    application = json.loads((ROOT / "bench" / "application.json").read_text())
    timings: list[float] = []
    steps, size = 0, 0
    started = time.perf_counter()
    for _ in range(lifecycles):
        t = time.perf_counter()
        dossier_id = clock.step(
            sessions, submit_dossier, actors["congdan"], "1.001193", application
        ).id
        timings.append(time.perf_counter() - t)
        steps += 1
        while True:
            with sessions() as session:
                task = session.scalars(
                    select(Task).where(Task.dossier_id == dossier_id, Task.state == OPEN)
                ).first()
                if task is None:
                    size = max(size, len(session.get(WorkflowState, dossier_id).state))
                    break
                task_id, bpmn_id, role = task.id, task.bpmn_id, task.role
            t = time.perf_counter()
            clock.step(sessions, complete_task, actors[holder[role]], task_id, TASK_DATA[bpmn_id])
            timings.append(time.perf_counter() - t)
            steps += 1
    if clock_out is not None:
        clock_out.update(
            statements=clock.statements / steps,
            executing=clock.executing * 1000 / steps,
            committing=clock.committing * 1000 / steps,
            step=sum(timings) * 1000 / steps,
        )
    engine.dispose()
    return steps, time.perf_counter() - started, [x * 1000 for x in timings], size


def _worker(args) -> tuple[float, float]:
    """Warm up, then run; the wall-clock interval of the measured part (process start-up and
    imports are not the platform's throughput)."""
    url, lifecycles = args
    _platform_run(url, 2)
    started = time.time()
    _platform_run(url, lifecycles)
    return started, time.time()


def platform_figures(name: str, url: str, lifecycles: int, raw_rate: float) -> float:
    """Print the figures; return the step p50 in ms."""
    _prepare_database(url)
    _platform_run(url, 3)  # warm caches
    clock: dict = {}
    steps, seconds, timings, size = _platform_run(url, lifecycles, clock)
    rate = steps / seconds
    timings.sort()
    p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95)]
    print(f"\n{name}")
    ratio = raw_rate / rate
    print(f"  platform steps/s:          {rate:8.1f}   (platform/raw step time: {ratio:.2f}x)")
    print(f"  step p50 / p95 (ms):       {p50:8.2f} / {p95:.2f}")
    python = clock["step"] - clock["executing"] - clock["committing"]
    print(
        f"  a step's mean {clock['step']:.2f} ms: {clock['statements']:.1f} statements "
        f"{clock['executing']:.2f} ms, commit {clock['committing']:.2f} ms, "
        f"Python {python:.2f} ms"
    )
    print(f"  lifecycles/s, 1 process:   {lifecycles / seconds:8.1f}")
    print(f"  workflow state per dossier: {size / 1024:7.1f} KB")
    for processes in (2, 4):
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            intervals = pool.map(_worker, [(url, lifecycles)] * processes)
        wall = max(end for _, end in intervals) - min(start for start, _ in intervals)
        print(f"  lifecycles/s, {processes} processes: {processes * lifecycles / wall:8.1f}")
    return p50


def fill_dossiers(url: str, volume: int) -> None:
    """Bring the database to `volume` dossiers by copying its first one in SQL."""
    from sqlalchemy import text

    from engine.db import make_engine
    from engine.dossiers.models import Dossier
    from engine.tasks.models import Task

    engine = make_engine(url)
    with engine.begin() as connection:
        have = connection.execute(text("SELECT count(*) FROM dossiers")).scalar_one()
        template = connection.execute(text("SELECT min(id) FROM dossiers")).scalar_one()
        columns = [c.name for c in Dossier.__table__.columns if c.name not in ("id", "code")]
        names = ", ".join(columns)
        connection.execute(
            text(
                f"INSERT INTO dossiers (code, {names}) SELECT 'FILL-' || g, {names} "
                "FROM dossiers, generate_series(1, :n) AS g WHERE dossiers.id = :template"
            ),
            {"n": max(volume - have, 0), "template": template},
        )
        connection.execute(
            text(
                "INSERT INTO dossier_events (dossier_id, actor_name, action, at) "
                "SELECT id, 'bench', 'submitted', now() FROM dossiers WHERE code LIKE 'FILL-%'"
            )
        )
        task_columns = [
            c.name for c in Task.__table__.columns if c.name not in ("id", "dossier_id")
        ]
        task_names = ", ".join(task_columns)
        template_task = connection.execute(text("SELECT min(id) FROM tasks")).scalar_one()
        connection.execute(
            text(
                f"INSERT INTO tasks (dossier_id, {task_names}) "
                f"SELECT d.id, {', '.join('t.' + c for c in task_columns)} "
                "FROM dossiers d, tasks t WHERE d.code LIKE 'FILL-%' AND d.id % 5 = 0 "
                "AND t.id = :template"
            ),
            {"template": template_task},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def step_p50_at_volume(url: str, lifecycles: int, volume: int) -> None:
    """The step p50 with few dossiers, then with `volume` of them."""
    small = _platform_run(url, lifecycles)[2]
    started = time.perf_counter()
    fill_dossiers(url, volume)
    filled = time.perf_counter() - started
    big = _platform_run(url, lifecycles)[2]
    small_p50, big_p50 = statistics.median(small), statistics.median(big)
    print(f"\nPostgreSQL step p50 by volume (filled in {filled:.0f} s)")
    print(f"  ~1,000 dossiers:           {small_p50:8.2f} ms")
    print(f"  {volume:,} dossiers:   {big_p50:8.2f} ms   ({big_p50 / small_p50:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=100)
    parser.add_argument("--volume", type=int, default=1_000_000)
    args = parser.parse_args()

    raw_rate, _, raw_size = raw_steps_per_second(args.lifecycles)
    print("Birth registration (1.001193): 5 steps per lifecycle")
    print(
        f"raw SpiffWorkflow steps/s (JSON round trip per step): {raw_rate:8.1f}"
        f"  ({1000 / raw_rate:.2f} ms/step, state with spec {raw_size / 1024:.1f} KB)"
    )

    with tempfile.TemporaryDirectory() as folder:
        platform_figures("SQLite", f"sqlite:///{folder}/bench.db", args.lifecycles, raw_rate)
    postgres = os.environ.get("MOTCUA_BENCH_POSTGRES_URL")
    if postgres:
        platform_figures("PostgreSQL", postgres, args.lifecycles, raw_rate)
        step_p50_at_volume(postgres, args.lifecycles, args.volume)
    else:
        print("\nPostgreSQL: set MOTCUA_BENCH_POSTGRES_URL to an empty database to measure it.")


if __name__ == "__main__":
    main()
