"""The periodic report and the dashboard over 1,000,000 dossiers in PostgreSQL.

    MOTCUA_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/motcua_bench \
        .venv/bin/python bench/statistics_reports.py [--dossiers 1000000]

The database is migrated, emptied and filled by `generate_series` (five years of dossiers over
one province and 40 communes, 3 procedures in 3 fields, ~2% still open, 5% with a supplement
request, a third of the returned ones rated), ANALYZEd, then each query runs 5 times; the
figures printed are the median and worst.
Target: under one second each.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from engine.db import make_engine, make_session_factory, transaction
from engine.demo import load_demo_data
from engine.schema import upgrade_database
from engine.statistics.dashboard import (
    count_dossiers,
    monthly_trend,
    on_time_by_agency,
    overdue_by_field,
)
from engine.statistics.measures import Period
from engine.statistics.report import periodic_report
from engine.statistics.satisfaction import satisfaction_results
from engine.statistics.service_index import service_indexes
from engine.users.actor import Actor, load_actor

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PROVINCE = "SELECT id FROM agencies WHERE level = 'province'"

FILL = """
INSERT INTO dossiers (code, procedure_id, procedure_version_id, agency_id, receiving_agency_id,
    applicant_name, channel, status, national_status, form_data, created_at, received_at,
    due_at, paused_at, paused_seconds, finished_at, returned_at, timing, updated_at)
SELECT 'B-' || n, p.id, p.version_id, a.id, a.id, 'Người nộp ' || n, 1 + n % 3,
    CASE WHEN open THEN 'processing' WHEN n % 50 = 1 THEN 'withdrawn'
         WHEN n % 7 = 0 THEN 'result_ready' ELSE 'returned' END,
    CASE WHEN open THEN 4 WHEN n % 50 = 1 THEN 7 WHEN n % 7 = 0 THEN 9 ELSE 10 END,
    '{}', received, received, received + interval '3 days', NULL, 0,
    CASE WHEN open THEN NULL ELSE received + (n % 97) * interval '1 hour' END,
    CASE WHEN open OR n % 7 = 0 OR n % 50 = 1 THEN NULL
         ELSE received + (n % 97 + 20) * interval '1 hour' END,
    CASE WHEN open OR n % 50 = 1 THEN NULL WHEN n % 97 < 24 THEN 'early'
         WHEN n % 97 < 72 THEN 'on_time' ELSE 'late' END,
    received
FROM (
    SELECT n, timestamptz '2021-11-20 00:00+07' + (n::float / :count) * interval '1826 days'
               + (n % 9) * interval '1 hour' AS received,
           (n > :count * 0.985 OR n % 997 = 0) AS open
    FROM generate_series(1, :count) AS n
) AS g
JOIN LATERAL (SELECT id FROM agencies ORDER BY id OFFSET (g.n % (SELECT count(*) FROM agencies))
              LIMIT 1) AS a ON true
JOIN LATERAL (SELECT pr.id, v.id AS version_id FROM procedures pr
              JOIN procedure_versions v ON v.procedure_id = pr.id ORDER BY pr.id
              OFFSET (g.n % (SELECT count(*) FROM procedures)) LIMIT 1) AS p ON true
"""


def prepare(url: str, count: int) -> None:
    upgrade_database(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE dossier_events, outbox, tasks, workflow_states, timers, "
                "deadline_extensions, dossiers RESTART IDENTITY CASCADE"
            )
        )
    session_factory = make_session_factory(engine)
    with session_factory() as session, transaction(session):
        load_demo_data(session)
        session.execute(
            text("""
            INSERT INTO agencies (code, name, level, parent_id, is_active)
            SELECT 'B.' || n, 'UBND xã ' || n, 'commune',
                   (SELECT id FROM agencies WHERE level = 'province'), true
            FROM generate_series(1, 40) AS n ON CONFLICT DO NOTHING""")
        )
        for code, name, field in [
            ("B1", "Chứng thực bản sao", "Chứng thực"),
            ("B2", "Đăng ký kết hôn", "Hộ tịch"),
            ("B3", "Cấp phép xây dựng", "Xây dựng"),
        ]:
            session.execute(
                text("""
                INSERT INTO procedures (code, name, field, level, deadline_working_days, record,
                                        is_active)
                VALUES (:code, :name, :field, 'commune', 3, '{}', true)
                ON CONFLICT DO NOTHING"""),
                {"code": code, "name": name, "field": field},
            )
            session.execute(
                text("""
                INSERT INTO procedure_versions (procedure_id, number, content_hash, process_id,
                                                files, spec, published_at)
                SELECT id, 1, repeat('b', 64), 'p', '{}', '', now() FROM procedures
                WHERE code = :code ON CONFLICT DO NOTHING"""),
                {"code": code},
            )
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(FILL), {"count": count})
        connection.execute(
            text("""
            INSERT INTO dossier_events (dossier_id, actor_name, action, from_status, to_status, at)
            SELECT id, '', 'task_completed', 'processing', 'supplement_requested',
                   received_at + interval '2 hours'
            FROM dossiers WHERE id % 20 = 0""")
        )
        connection.execute(
            text("""
            INSERT INTO ratings (dossier_id, user_id, agency_id, level, created_at)
            SELECT id, (SELECT id FROM users WHERE username = 'congdan'), agency_id,
                   1 + (id / 3) % 5, returned_at + interval '1 day'
            FROM dossiers WHERE returned_at IS NOT NULL AND id % 3 = 0""")
        )
        connection.execute(
            text("""
            INSERT INTO rating_officers (rating_id, user_id)
            SELECT r.id, u.id FROM ratings r
            JOIN users u ON u.username IN ('thuly', 'thuly2') AND (r.id + u.id) % 2 = 0""")
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE dossiers"))
        connection.execute(text("VACUUM ANALYZE dossier_events"))
        connection.execute(text("VACUUM ANALYZE ratings"))
        connection.execute(text("VACUUM ANALYZE rating_officers"))
    print(f"filled {count:,} dossiers in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def timed(label: str, work, runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    worst = max(times)
    verdict = "ok" if worst < 1 else "SLOW"
    print(
        f"{label:<58} median {sorted(times)[len(times) // 2] * 1000:7.1f} ms   "
        f"worst {worst * 1000:7.1f} ms   {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="skip filling the database")
    args = parser.parse_args()
    url = os.environ.get("MOTCUA_BENCH_POSTGRES_URL")
    if not url:
        sys.exit("set MOTCUA_BENCH_POSTGRES_URL to a PostgreSQL database the benchmark may empty")
    if not args.reuse:
        prepare(url, args.dossiers)
    engine = make_engine(url)
    session = make_session_factory(engine)()
    total = session.scalar(text("SELECT count(*) FROM dossiers"))
    leader = load_actor(
        session, session.scalar(text("SELECT id FROM users WHERE username = 'lanhdao'"))
    )
    province_leader = None  # the province: every agency, as the public page and the province see it
    province = Actor(  # satisfaction needs an actor: a leader of the province (and all below)
        user_id=None,
        kind="officer",
        roles={"leader": frozenset({session.scalar(text(PROVINCE))})},
    )
    month = Period(date(2026, 10, 1), date(2026, 10, 31))
    quarter = Period(date(2026, 7, 1), date(2026, 9, 30))
    year = Period(date(2026, 1, 1), date(2026, 11, 20))
    print(f"{total:,} dossiers in the database")
    for name, period in [("month", month), ("quarter", quarter), ("year to date", year)]:
        for group_by in ("agency", "field", "procedure", "channel"):
            timed(
                f"periodic report, {name}, by {group_by}",
                lambda p=period, g=group_by: periodic_report(
                    session, province_leader, p, NOW, group_by=g
                ),
            )
    timed(
        "periodic report, month, by officer",
        lambda: periodic_report(session, province_leader, month, NOW, group_by="officer"),
    )
    timed(
        "periodic report, month, one commune (ward leader)",
        lambda: periodic_report(session, leader, month, NOW, group_by="field"),
    )
    timed(
        "dashboard: trend of 12 months (3 series)",
        lambda: monthly_trend(session, province_leader, NOW),
    )
    timed(
        "dashboard: on-time rate per agency, year",
        lambda: on_time_by_agency(session, province_leader, year, NOW),
    )
    timed(
        "dashboard: overdue by field, now",
        lambda: overdue_by_field(session, province_leader, year, NOW),
    )
    timed(
        "dashboard: 766 index per agency, year",
        lambda: service_indexes(session, province_leader, year, NOW),
    )
    timed(
        "satisfaction per agency, year",
        lambda: satisfaction_results(session, province, year),
    )
    timed(
        "satisfaction per officer, year",
        lambda: satisfaction_results(session, province, year, group_by="officer"),
    )
    timed(
        "list count behind a bar (late, year)",
        lambda: count_dossiers(session, province_leader, "late", year, NOW),
    )
    session.close()
    engine.dispose()


if __name__ == "__main__":
    main()
