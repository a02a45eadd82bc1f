"""Satisfaction per agency and officer, and 766's satisfaction index, against counts by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine.agencies.models import Agency
from engine.db import transaction
from engine.errors import Forbidden
from engine.statistics.measures import Period
from engine.statistics.satisfaction import (
    LEVELS,
    RatingFilters,
    count_rated,
    list_rated,
    satisfaction_results,
)
from engine.statistics.service_index import service_indexes
from engine.users.actor import Actor
from tests.unit.engine.statistics.history import (
    generate_history,
    generate_ratings,
    local_midnight,
)

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PERIODS = [
    Period(date(2026, 1, 1), date(2026, 12, 31)),
    Period(date(2026, 4, 1), date(2026, 6, 30)),
]


@pytest.fixture
def world(demo, session_factory):
    with session_factory() as session, transaction(session):
        history = generate_history(session)
        ratings = generate_ratings(session, history)
        agencies = {a.code: a.id for a in session.query(Agency)}
    return history, ratings, agencies


def province_leader(agencies) -> Actor:
    return Actor(
        user_id=None, kind="officer", roles={"leader": frozenset({agencies["000.00.00.H25"]})}
    )


def in_period(rating, period: Period) -> bool:
    start = local_midnight(period.start)
    return start <= rating.created_at < local_midnight(period.end + timedelta(days=1))


def by_level(ratings) -> dict[int, int]:
    return {level: sum(r.level == level for r in ratings) for level in LEVELS}


@pytest.mark.parametrize("period", PERIODS, ids=["year", "q2"])
def test_each_agency_row_counts_its_ratings_with_sub_units(world, session_factory, period):
    _, ratings, agencies = world
    rated = [r for r in ratings if in_period(r, period)]
    assert len(rated) > 10
    with session_factory() as session:
        results = satisfaction_results(session, province_leader(agencies), period)
    province, *communes = results.rows
    assert (province.key, province.depth) == (agencies["000.00.00.H25"], 0)
    assert province.counts == by_level(rated)
    assert results.total.counts == by_level(rated)
    assert {row.key for row in communes} == {agencies["000.00.20.H25"], agencies["000.00.21.H25"]}
    for row in communes:
        assert row.depth == 1
        assert row.counts == by_level([r for r in rated if r.agency_id == row.key]), row.label
        unhappy = sum(r.level <= 2 for r in rated if r.agency_id == row.key)
        assert row.rate == round(100 * (row.total - unhappy) / row.total, 2)


def test_each_officer_counts_the_ratings_of_the_dossiers_they_worked_on(
    world, session_factory, demo
):
    _, ratings, agencies = world
    period = PERIODS[0]
    thuly = demo.actor("thuly")
    with session_factory() as session:
        results = satisfaction_results(
            session, province_leader(agencies), period, group_by="officer"
        )
    expected = {}
    for rating in ratings:
        if in_period(rating, period):
            for officer in rating.officer_ids:
                expected.setdefault(officer, []).append(rating)
    assert {row.key: row.counts for row in results.rows} == {
        officer: by_level(mine) for officer, mine in expected.items()
    }
    assert "Lê Văn Cường" in [row.label for row in results.rows if row.key == thuly.user_id]


def test_every_number_equals_the_list_it_opens(world, session_factory, demo):
    _, _, agencies = world
    period = PERIODS[1]
    leader = province_leader(agencies)
    with session_factory() as session:
        for group_by in ("agency", "officer"):
            results = satisfaction_results(session, leader, period, group_by=group_by)
            for row in results.rows:
                for level in [*LEVELS, None]:
                    filters = row.filters_for(level)
                    number = row.counts[level] if level else row.total
                    assert count_rated(session, leader, period, filters) == number
                    listed = list_rated(session, leader, period, filters, limit=1000)
                    assert len(listed) == number
                    assert all(level in (None, rating.level) for _, rating in listed)


def test_a_ward_leader_sees_the_ward_only(world, session_factory, demo):
    _, ratings, agencies = world
    period = PERIODS[0]
    leader = demo.actor("lanhdao")
    ward, other = agencies["000.00.20.H25"], agencies["000.00.21.H25"]
    thulycn = demo.actor("thulycn").user_id
    with session_factory() as session:
        results = satisfaction_results(session, leader, period)
        by_officer = satisfaction_results(session, leader, period, group_by="officer")
        with pytest.raises(Forbidden):
            count_rated(session, leader, period, RatingFilters(agency_id=other))
        mine = count_rated(session, leader, period, RatingFilters(officer_id=thulycn))
    assert [row.key for row in results.rows] == [ward]
    ward_ratings = [r for r in ratings if r.agency_id == ward and in_period(r, period)]
    assert results.total.counts == by_level(ward_ratings)
    assert mine == sum(thulycn in r.officer_ids for r in ward_ratings)
    assert sum(row.total for row in by_officer.rows) == sum(
        len(r.officer_ids) for r in ward_ratings
    )


def test_an_officer_without_statistics_role_cannot_read(world, session_factory, demo):
    thuly = demo.actor("thuly")
    with session_factory() as session, pytest.raises(Forbidden):
        satisfaction_results(session, thuly, PERIODS[0])


def test_the_766_satisfaction_index_counts_late_or_dissatisfied(world, session_factory):
    history, ratings, agencies = world
    period = PERIODS[1]
    unhappy = {r.dossier_id for r in ratings if r.level <= 2}
    start, end = local_midnight(period.start), local_midnight(period.end + timedelta(days=1))
    with session_factory() as session:
        indexes = service_indexes(session, None, period, NOW)
    checked = rated_only = 0
    for index in indexes:
        subtree = (
            {d.agency_id for d in history}
            if index.agency_id == agencies["000.00.00.H25"]
            else {index.agency_id}
        )
        resolved = [
            d
            for d in history
            if d.agency_id in subtree
            and d.timing is not None
            and d.finished_at is not None
            and start <= d.finished_at < end
        ]
        bad = [d for d in resolved if d.timing == "late" or d.id in unhappy]
        assert index.resolved == len(resolved)
        assert index.satisfaction_rate == round(100 * (len(resolved) - len(bad)) / len(resolved), 2)
        rated_only += sum(d.id in unhappy and d.timing != "late" for d in resolved)
        checked += 1
    assert checked == 3
    assert rated_only > 0  # some dossiers count only through their rating
