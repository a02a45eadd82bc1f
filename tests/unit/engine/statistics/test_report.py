"""Every cell of the periodic report against a count done by hand over the generated history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine.db import transaction
from engine.statistics.measures import REPORT_COLUMNS, Period
from engine.statistics.report import periodic_report
from engine.statistics.scope import Filters
from tests.unit.engine.statistics.history import generate_history, local_midnight

NOW = datetime(2026, 7, 20, 3, 0, tzinfo=UTC)
PERIODS = [
    Period(date(2026, 2, 1), date(2026, 2, 28)),  # Tết
    Period(date(2026, 4, 1), date(2026, 6, 30)),  # 30/4-1/5, a quarter
    Period(date(2026, 7, 1), date(2026, 9, 30)),  # 2/9, not yet ended at NOW
]


def expected_counts(dossiers, period: Period, now: datetime) -> dict[str, int]:
    """The report's definitions, restated in plain Python."""
    s, e = local_midnight(period.start), local_midnight(period.end + timedelta(days=1))
    cut = min(e, now)

    def inside(moment):
        return moment is not None and s <= moment < e

    counts = dict.fromkeys(REPORT_COLUMNS, 0)
    for d in dossiers:
        new = inside(d.received_at)
        carried = (
            d.received_at is not None
            and d.received_at < s
            and (d.finished_at is None or d.finished_at >= s)
        )
        resolved = inside(d.finished_at) and d.timing is not None
        in_progress = (
            d.received_at is not None
            and d.received_at < e
            and (d.finished_at is None or d.finished_at >= e)
        )
        overdue = in_progress and d.due_at < cut and d.paused_at is None
        flags = {
            "received_total": new or carried,
            "received_online": new and d.channel == 2,
            "received_offline": new and d.channel != 2,
            "carried_over": carried,
            "resolved": resolved,
            "early": resolved and d.timing == "early",
            "on_time": resolved and d.timing == "on_time",
            "late": resolved and d.timing == "late",
            "in_progress": in_progress,
            "not_yet_due": in_progress and not overdue,
            "overdue": overdue,
            "received_in_person": new and d.channel == 1,
            "received_postal": new and d.channel == 3,
            "returned": inside(d.returned_at),
            "withdrawn": d.status == "withdrawn" and inside(d.finished_at),
            "refused": d.status == "refused" and inside(d.finished_at),
            "stopped": d.status == "stopped" and inside(d.finished_at),
            "supplement_requested": inside(d.supplement_at),
        }
        for key, flag in flags.items():
            counts[key] += bool(flag)
    return counts


@pytest.fixture
def history(demo, session_factory):
    with session_factory() as session, transaction(session):
        return generate_history(session)


@pytest.mark.parametrize("period", PERIODS, ids=["tet", "q2", "q3"])
def test_every_cell_by_field_matches_a_count_by_hand(history, session_factory, demo, period):
    leader = demo.actor("lanhdao")  # leader of the ward: sees the ward's dossiers only
    ward = [d for d in history if d.agency_id in leader.agency_ids]
    with session_factory() as session:
        report = periodic_report(session, leader, period, NOW, group_by="field")
        province = periodic_report(session, None, period, NOW, group_by="field")
    for row in report.rows:
        mine = [d for d in ward if d.field == row.key]
        assert row.counts == expected_counts(mine, period, NOW), row.label
    assert report.total == expected_counts(ward, period, NOW)
    assert province.total == expected_counts(history, period, NOW)
    assert sum(report.total.values()) > 0


def test_report_balances_like_the_form(history, session_factory, demo):
    period = PERIODS[1]
    with session_factory() as session:
        total = periodic_report(session, None, period, NOW, group_by="channel").total
    assert total["received_total"] == (
        total["received_online"] + total["received_offline"] + total["carried_over"]
    )
    assert total["resolved"] == total["early"] + total["on_time"] + total["late"]
    assert total["in_progress"] == total["not_yet_due"] + total["overdue"]
    ended_otherwise = total["withdrawn"] + total["stopped"]
    assert total["received_total"] == total["resolved"] + total["in_progress"] + ended_otherwise


def test_agencies_count_their_sub_units(history, session_factory, demo):
    period = PERIODS[1]
    with session_factory() as session:
        report = periodic_report(session, demo.actor("lanhdao"), period, NOW, group_by="agency")
        province_view = periodic_report(session, None, period, NOW, group_by="agency")
    ward_id = report.rows[0].key
    assert [row.depth for row in report.rows] == [0]  # the ward leader sees the ward only
    assert report.rows[0].counts == expected_counts(
        [d for d in history if d.agency_id == ward_id], period, NOW
    )
    province = province_view.rows[0]
    assert province.depth == 0 and len(province_view.rows) == 3
    assert province.counts == expected_counts(history, period, NOW)
    for row in province_view.rows[1:]:
        assert row.counts == expected_counts(
            [d for d in history if d.agency_id == row.key], period, NOW
        )


def test_filters_by_channel_and_field(history, session_factory, demo):
    period = PERIODS[0]
    with session_factory() as session:
        report = periodic_report(
            session,
            None,
            period,
            NOW,
            group_by="agency",
            filters=Filters(channel=2, field="Hộ tịch"),
        )
    mine = [d for d in history if d.channel == 2 and d.field == "Hộ tịch"]
    assert report.total == expected_counts(mine, period, NOW)
