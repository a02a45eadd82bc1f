"""Inbox benchmark: the officers' first inbox page and a filtered search on a big database.

Generates, in the PostgreSQL database named by MOTCUA_BENCH_POSTGRES_URL, 1,000,000 dossiers
(80% returned, 20% open) and 200,000 open tasks (plus 200,000 completed ones) over 150 units
and 400 procedures, with COPY in batches, indexes rebuilt after the load, then VACUUM ANALYZE
(what autovacuum does on a live database). Then runs through the same query functions the web
inbox uses (engine.tasks.queries):
- the first page of a processing officer's inbox (tab "Cần xử lý", soonest due first);
- a filtered search: an applicant name typed without diacritics plus a procedure filter;
- the tab counts of that search (the other statement an inbox page runs);
each 200 times, and prints p50/p95 in ms. The measured officer works in the biggest unit (5% of
all dossiers, as a provincial public-administration centre would), the worst inbox there is.

Usage: MOTCUA_BENCH_POSTGRES_URL=postgresql://... python bench/inbox.py [--regenerate]
A database that already holds the data is reused unless --regenerate is given.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from engine.calendar.working_days import WorkingCalendar  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.dossiers.search import search_key  # noqa: E402
from engine.schema import upgrade_database  # noqa: E402
from engine.tasks.queries import InboxFilter, count_inbox_tabs, list_inbox_rows  # noqa: E402
from engine.users.actor import load_actor  # noqa: E402

DOSSIERS = 1_000_000
OPEN_SHARE = 0.2
AGENCIES = 150
PROCEDURES = 400
FIELDS = 25
BIG_UNIT_SHARE = 0.05
BATCH = 100_000
RUNS = 200
NOW = datetime.now(UTC)

FAMILY = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng", "Huỳnh"] * 5
    + ["Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"] * 2
)
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thu", "Gia"]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Dung",
    "Đào",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hằng",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khang",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "My",
    "Nam",
    "Nga",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Tiến",
    "Trang",
    "Trung",
    "Tú",
    "Tuấn",
    "Uyên",
    "Vân",
    "Việt",
    "Vy",
    "Xuân",
    "Yến",
]
ROLES = [("reception", 0.2), ("processing", 0.6), ("leader", 0.2)]
OPEN_STATUSES = {
    "reception": "submitted",
    "processing": "processing",
    "leader": "awaiting_approval",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("MOTCUA_BENCH_POSTGRES_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set MOTCUA_BENCH_POSTGRES_URL to a PostgreSQL database the benchmark may fill.")
    engine = make_engine(url)
    with engine.connect() as connection:
        has_tables = connection.execute(text("SELECT to_regclass('dossiers')")).scalar()
        existing = (
            connection.execute(text("SELECT count(*) FROM dossiers")).scalar() if has_tables else 0
        )
    if args.regenerate or existing < DOSSIERS:
        generate(engine, url)
    else:
        print(f"reusing {existing:,} dossiers already in the database")
    measure(engine)


def generate(engine, url: str) -> None:
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database(url)
    rng = random.Random(2026)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        agencies, officers = _catalogue(cursor, rng)
        raw.commit()
        index_definitions = _drop_indexes(cursor)
        raw.commit()
        _dossiers_and_tasks(cursor, raw, rng, agencies, officers)
        print(f"rebuilding {len(index_definitions)} indexes ...", flush=True)
        for definition in index_definitions:
            cursor.execute(definition)
        raw.commit()
        print("VACUUM ANALYZE ...", flush=True)
        raw.driver_connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    finally:
        raw.close()
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def _catalogue(cursor, rng: random.Random):
    """Agencies, procedures with one version each, officers with their roles."""
    agency_ids = []
    for number in range(AGENCIES):
        cursor.execute(
            "INSERT INTO agencies (code, name, level, is_active) VALUES (%s, %s, %s, true) "
            "RETURNING id",
            (f"000.{number // 100:02d}.{number % 100:02d}.H25", f"Đơn vị {number}", "commune"),
        )
        agency_ids.append(cursor.fetchone()[0])
    for number in range(PROCEDURES):
        cursor.execute(
            "INSERT INTO procedures (code, name, field, level, deadline_working_days, record, "
            "agency_id, is_active) VALUES (%s, %s, %s, 'commune', %s, '{}', %s, true) RETURNING id",
            (
                f"9.{number:06d}",
                f"Thủ tục số {number}",
                f"Lĩnh vực {number % FIELDS}",
                rng.choice([1, 3, 5, 7, 10, 15]),
                agency_ids[0],
            ),
        )
        procedure_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO procedure_versions (procedure_id, number, content_hash, process_id, "
            "files, spec, published_at) VALUES (%s, 1, %s, 'p', '{}', '{}', now())",
            (procedure_id, f"{number:064d}"),
        )
    cursor.execute("SELECT id, procedure_id FROM procedure_versions ORDER BY procedure_id")
    versions = dict((procedure, version) for version, procedure in cursor.fetchall())
    officers: dict[tuple[int, str], list[int]] = {}
    for agency_id in agency_ids:
        for role, count in (("reception", 2), ("processing", 4), ("leader", 1)):
            for number in range(count):
                cursor.execute(
                    "INSERT INTO users (username, full_name, kind, is_active, created_at) "
                    "VALUES (%s, %s, 'officer', true, now()) RETURNING id",
                    (f"{role}-{agency_id}-{number}", _name(rng)),
                )
                user_id = cursor.fetchone()[0]
                cursor.execute(
                    "INSERT INTO role_assignments (user_id, role, agency_id) VALUES (%s, %s, %s)",
                    (user_id, role, agency_id),
                )
                officers.setdefault((agency_id, role), []).append(user_id)
    total = sum(len(ids) for ids in officers.values())
    print(f"{AGENCIES} units, {PROCEDURES} procedures, {total} officers", flush=True)
    return (agency_ids, versions), officers


def _drop_indexes(cursor) -> list[str]:
    """The secondary indexes of dossiers and tasks, dropped for the load, rebuilt after it."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('dossiers', 'tasks') "
        "AND indexname LIKE 'ix_%'"
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _dossiers_and_tasks(cursor, raw, rng: random.Random, agencies, officers) -> None:
    agency_ids, versions = agencies
    procedure_ids = list(versions)
    weights = [BIG_UNIT_SHARE] + [(1 - BIG_UNIT_SHARE) / (AGENCIES - 1)] * (AGENCIES - 1)
    task_number = 0
    for start in range(0, DOSSIERS, BATCH):
        dossiers, tasks = io.StringIO(), io.StringIO()
        chosen = rng.choices(agency_ids, weights, k=BATCH)
        for offset in range(BATCH):
            dossier_id = start + offset + 1
            agency_id = chosen[offset]
            procedure_id = rng.choice(procedure_ids)
            received = NOW - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            is_open = rng.random() < OPEN_SHARE
            if is_open:
                received = NOW - timedelta(minutes=rng.randrange(30 * 24 * 60))
            due = received + timedelta(days=rng.choice([1, 3, 5, 7, 14, 21]))
            name = _name(rng)
            id_number = f"0{rng.randrange(10**11):011d}"
            code = f"{agency_id:03d}.H25-{received:%y%m%d}-{dossier_id:07d}"
            paused = received + timedelta(days=1) if is_open and rng.random() < 0.05 else None
            if is_open:
                role = rng.choices([r for r, _ in ROLES], [w for _, w in ROLES])[0]
                status, returned, timing = OPEN_STATUSES[role], None, None
            else:
                returned = due + timedelta(hours=rng.randrange(-96, 24))
                status = "returned"
                timing = "late" if returned > due else rng.choice(["early", "on_time"])
            dossiers.write(
                "\t".join(
                    _copy_value(value)
                    for value in (
                        dossier_id,
                        code,
                        procedure_id,
                        versions[procedure_id],
                        agency_id,
                        agency_id,
                        None,
                        name,
                        id_number,
                        rng.choice([1, 2, 2, 2, 3]),
                        status,
                        10 if status == "returned" else 4,
                        "{}",
                        received,
                        received,
                        due,
                        paused,
                        0,
                        returned,
                        returned,
                        timing,
                        NOW,
                        search_key(f"{code} {name} {id_number}"),
                    )
                )
                + "\n"
            )
            if is_open:
                holders = officers[(agency_id, role)]
                assignee = rng.choice(holders) if rng.random() < 0.5 else None
                for state, task_role, who in (
                    ("completed", "reception", rng.choice(officers[(agency_id, "reception")])),
                    ("open", role, assignee),
                ):
                    task_number += 1
                    tasks.write(
                        "\t".join(
                            _copy_value(value)
                            for value in (
                                task_number,
                                dossier_id,
                                f"{task_number:036d}",
                                "Task",
                                "Xử lý hồ sơ",
                                task_role,
                                agency_id,
                                who if state == "open" else None,
                                "form.json",
                                state,
                                received,
                                due,
                                received if state == "completed" else None,
                                who if state == "completed" else None,
                                1,
                            )
                        )
                        + "\n"
                    )
        dossiers.seek(0)
        tasks.seek(0)
        cursor.copy_expert(
            "COPY dossiers (id, code, procedure_id, procedure_version_id, agency_id, "
            "receiving_agency_id, applicant_user_id, applicant_name, applicant_id_number, "
            "channel, status, national_status, form_data, created_at, received_at, due_at, "
            "paused_at, paused_seconds, finished_at, returned_at, timing, updated_at, "
            "search_text) FROM STDIN",
            dossiers,
        )
        cursor.copy_expert(
            "COPY tasks (id, dossier_id, spiff_task_id, bpmn_id, title, role, agency_id, "
            "assignee_id, form_name, state, created_at, due_at, completed_at, completed_by_id, "
            "version) FROM STDIN",
            tasks,
        )
        raw.commit()
        print(f"  {start + BATCH:,} dossiers, {task_number:,} tasks", flush=True)
    cursor.execute(
        "SELECT setval('dossiers_id_seq', %s), setval('tasks_id_seq', %s)", (DOSSIERS, task_number)
    )
    raw.commit()


def measure(engine) -> None:
    sessions = make_session_factory(engine)
    calendar = WorkingCalendar()
    with sessions() as session:
        big_unit = session.execute(
            text("SELECT agency_id FROM dossiers GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar()
        officer_id = session.execute(
            text(
                "SELECT user_id FROM role_assignments WHERE role = 'processing' "
                "AND agency_id = :agency ORDER BY user_id LIMIT 1"
            ),
            {"agency": big_unit},
        ).scalar()
        actor = load_actor(session, officer_id)
        scope = session.execute(
            text(
                "SELECT count(*) FROM tasks WHERE state = 'open' AND agency_id = :agency "
                "AND role = 'processing'"
            ),
            {"agency": big_unit},
        ).scalar()
        samples = session.execute(
            text(
                "SELECT d.applicant_name, d.procedure_id FROM tasks t "
                "JOIN dossiers d ON d.id = t.dossier_id WHERE t.state = 'open' "
                "AND t.agency_id = :agency AND t.role = 'processing' "
                "ORDER BY t.id LIMIT 10"
            ),
            {"agency": big_unit},
        ).all()
        counts = session.execute(
            text(
                "SELECT (SELECT count(*) FROM dossiers), "
                "(SELECT count(*) FROM tasks WHERE state = 'open')"
            )
        ).one()
    print(
        f"{counts[0]:,} dossiers, {counts[1]:,} open tasks; the measured officer's unit has "
        f"{scope:,} open processing tasks"
    )
    searches = [
        InboxFilter(search=search_key(name), procedure_id=procedure_id)
        for name, procedure_id in samples
    ]

    def first_page(session, run):
        return list_inbox_rows(session, actor, InboxFilter(), now=NOW, calendar=calendar)

    def filtered_search(session, run):
        inbox_filter = searches[run % len(searches)]
        return list_inbox_rows(session, actor, inbox_filter, now=NOW, calendar=calendar)

    def search_counts(session, run):
        inbox_filter = searches[run % len(searches)]
        return count_inbox_tabs(session, actor, inbox_filter, now=NOW, calendar=calendar)

    def first_page_counts(session, run):
        return count_inbox_tabs(session, actor, InboxFilter(), now=NOW, calendar=calendar)

    print(f"{'query':<44} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for label, query in (
        ("first inbox page (50 rows, soonest due)", first_page),
        ("tab counts of the first page", first_page_counts),
        (f"name search + procedure ({searches[0].search!r}...)", filtered_search),
        ("tab counts of that search", search_counts),
    ):
        timings, rows = [], 0
        with sessions() as session:
            for run in range(RUNS + 5):
                started = time.perf_counter()
                result = query(session, run)
                elapsed = (time.perf_counter() - started) * 1000
                session.rollback()
                session.expunge_all()
                if run >= 5:
                    timings.append(elapsed)
                    rows = len(result) if isinstance(result, list) else result["todo"]
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{label:<44} {rows:>5} {statistics.median(timings):>8.1f} {p95:>8.1f}", flush=True)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


if __name__ == "__main__":
    main()
