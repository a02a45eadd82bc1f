"""Satisfaction results (kết quả đánh giá sự hài lòng) per agency and per officer.

A rating counts in the period it was given. Per agency, a row counts the agency with its
sub-units (as the periodic report does); per officer, a rating counts once for every officer
who completed a task of the rated dossier (`RatingOfficer`). The satisfaction rate follows
Decision 766/QĐ-TTg: ratings that are not dissatisfied (levels 1–2) over all ratings.
Every number comes with the filters of the list of rated dossiers it counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, Rating, RatingOfficer
from engine.dossiers.ratings import RATING_LEVELS
from engine.errors import Forbidden
from engine.statistics.measures import DISSATISFIED_LEVELS, Period
from engine.statistics.scope import (
    AgencyTree,
    agency_outline,
    load_agency_tree,
    statistics_agencies,
)
from engine.users.actor import Actor
from engine.users.models import User

#: levels shown left to right, most satisfied first
LEVELS = sorted(RATING_LEVELS, reverse=True)
SATISFACTION_GROUPINGS = {"agency": "Cơ quan, đơn vị", "officer": "Cán bộ"}


@dataclass(frozen=True)
class RatingFilters:
    """What a number counts; None means all (within the actor's agencies)."""

    level: int | None = None
    agency_id: int | None = None
    officer_id: int | None = None


@dataclass
class SatisfactionRow:
    key: int | None
    label: str
    #: level -> ratings
    counts: dict[int, int]
    filters: RatingFilters
    depth: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def dissatisfied(self) -> int:
        return sum(self.counts[level] for level in DISSATISFIED_LEVELS)

    @property
    def rate(self) -> float | None:
        """Percent not dissatisfied; None when nobody rated (no rate, rather than 100 or 0)."""
        if not self.total:
            return None
        return round(100.0 * (self.total - self.dissatisfied) / self.total, 2)

    def filters_for(self, level: int | None) -> RatingFilters:
        return RatingFilters(level, self.filters.agency_id, self.filters.officer_id)


@dataclass
class SatisfactionResults:
    period: Period
    group_by: str
    rows: list[SatisfactionRow]
    #: every rating in the actor's scope once (an officer grouping counts a rating per officer)
    total: SatisfactionRow


def satisfaction_results(
    session: Session,
    actor: Actor,
    period: Period,
    *,
    group_by: str = "agency",
    agency_id: int | None = None,
) -> SatisfactionResults:
    """Ratings given within the period, per level, for the agencies the actor may read (or the
    one agency asked for, with its sub-units)."""
    if group_by not in SATISFACTION_GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    tree = load_agency_tree(session)
    where = _where(tree, actor, period, RatingFilters(agency_id=agency_id))
    if group_by == "agency":
        query = select(Rating.agency_id, Rating.level, func.count()).where(where)
        query = query.group_by(Rating.agency_id, Rating.level)
    else:
        query = (
            select(RatingOfficer.user_id, Rating.level, func.count())
            .join(Rating, Rating.id == RatingOfficer.rating_id)
            .where(where)
            .group_by(RatingOfficer.user_id, Rating.level)
        )
    counted: dict[int, dict[int, int]] = {}
    for key, level, number in session.execute(query):
        counted.setdefault(key, dict.fromkeys(LEVELS, 0))[level] = number
    if group_by == "agency":
        visible = statistics_agencies(tree, actor)
        if agency_id is not None:
            visible = tree.with_sub_units(agency_id)
        rows = _agency_rows(tree, counted, visible)
    else:
        names = dict(
            session.execute(select(User.id, User.full_name).where(User.id.in_(list(counted)))).all()
        )
        rows = sorted(
            (
                SatisfactionRow(key, names.get(key, ""), counts, RatingFilters(officer_id=key))
                for key, counts in counted.items()
            ),
            key=lambda row: row.label,
        )
    totals = dict(
        session.execute(
            select(Rating.level, func.count()).where(where).group_by(Rating.level)
        ).all()
    )
    total = SatisfactionRow(
        None, "Tổng cộng", {level: totals.get(level, 0) for level in LEVELS}, RatingFilters()
    )
    return SatisfactionResults(period, group_by, rows, total)


def rated_dossiers_query(session: Session, actor: Actor, period: Period, filters: RatingFilters):
    """SELECT (dossier, rating) of the ratings a number counts; the list page pages it."""
    where = _where(load_agency_tree(session), actor, period, filters)
    return select(Dossier, Rating).join(Rating, Rating.dossier_id == Dossier.id).where(where)


def count_rated(session: Session, actor: Actor, period: Period, filters: RatingFilters) -> int:
    query = rated_dossiers_query(session, actor, period, filters)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def list_rated(
    session: Session,
    actor: Actor,
    period: Period,
    filters: RatingFilters,
    *,
    limit: int = 100,
    offset: int = 0,
) -> list[tuple[Dossier, Rating]]:
    query = rated_dossiers_query(session, actor, period, filters)
    query = query.order_by(Rating.created_at.desc(), Rating.id).limit(limit).offset(offset)
    return [(dossier, rating) for dossier, rating in session.execute(query)]


def _where(
    tree: AgencyTree, actor: Actor, period: Period, filters: RatingFilters
) -> ColumnElement[bool]:
    allowed = statistics_agencies(tree, actor)
    if filters.agency_id is not None:
        wanted = tree.with_sub_units(filters.agency_id)
        if allowed is not None and not wanted <= allowed:
            raise Forbidden("Bạn không được xem thống kê của cơ quan này.")
        allowed = wanted
    conditions = [Rating.created_at >= period.starts_at, Rating.created_at < period.ends_at]
    if allowed is not None:
        conditions.append(Rating.agency_id.in_(sorted(allowed)))
    if filters.level is not None:
        conditions.append(Rating.level == filters.level)
    if filters.officer_id is not None:
        conditions.append(
            Rating.id.in_(
                select(RatingOfficer.rating_id).where(RatingOfficer.user_id == filters.officer_id)
            )
        )
    return and_(*conditions)


def _agency_rows(
    tree: AgencyTree, counted: dict[int, dict[int, int]], visible: set[int] | None
) -> list[SatisfactionRow]:
    """Each visible agency with a rating in its subtree, counting the subtree, parents first."""
    rows = []
    for agency_id, depth in agency_outline(tree, counted, visible):
        subtree = tree.with_sub_units(agency_id)
        counts = {
            level: sum(counted.get(member, {}).get(level, 0) for member in subtree)
            for level in LEVELS
        }
        filters = RatingFilters(agency_id=agency_id)
        rows.append(SatisfactionRow(agency_id, tree.names[agency_id], counts, filters, depth))
    return rows
