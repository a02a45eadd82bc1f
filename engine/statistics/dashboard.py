"""The leaders' dashboard: each number comes with the filters that list the dossiers behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.procedures.models import Procedure
from engine.statistics.measures import Period, measure_condition, touches_period
from engine.statistics.report import count_where, periodic_report, without_jit
from engine.statistics.scope import Filters, load_agency_tree, scope_condition
from engine.timestamps import LOCAL_TZ
from engine.users.actor import Actor


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its number, and the list query that number counts."""

    label: str
    value: int
    measure: str
    period: Period
    filters: Filters = field(default_factory=Filters)
    #: shown instead of the value when the bar is a rate (e.g. "95% (19/20)")
    caption: str | None = None
    #: the bar's length when it is not the value (a rate in percent)
    length: float | None = None


def dossier_query(
    session: Session,
    actor: Actor | None,
    measure: str,
    period: Period,
    now: datetime,
    filters: Filters | None = None,
):
    """The SELECT of the dossiers a number counts; charts count it, the list page pages it."""
    filters = filters or Filters()
    where, needs_procedure = scope_condition(load_agency_tree(session), actor, filters)
    query = select(Dossier)
    if needs_procedure:
        query = query.join(Procedure, Procedure.id == Dossier.procedure_id)
    return query.where(where, measure_condition(measure, period, now))


def count_dossiers(session, actor, measure, period, now, filters=None) -> int:
    query = dossier_query(session, actor, measure, period, now, filters)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def list_dossiers(session, actor, measure, period, now, filters=None, *, limit=100, offset=0):
    query = dossier_query(session, actor, measure, period, now, filters)
    return list(
        session.scalars(
            query.order_by(Dossier.received_at.desc(), Dossier.id).limit(limit).offset(offset)
        )
    )


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def monthly_trend(
    session: Session, actor: Actor | None, now: datetime, months: int = 12
) -> dict[str, list[Bar]]:
    """Received, resolved and late per month over the last `months` months, oldest first.

    One query: a COUNT(*) FILTER per month and measure over the rows of the whole range.
    """
    today = now.astimezone(LOCAL_TZ).date()
    periods = []
    year, month = today.year, today.month
    for _ in range(months):
        periods.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    periods.reverse()
    measures = ("received_new", "resolved", "late")
    where, _ = scope_condition(load_agency_tree(session), actor, Filters())
    sums = [count_where(measure_condition(m, p, now)) for p in periods for m in measures]
    whole = Period(periods[0].start, periods[-1].end)
    query = select(*sums).where(where, touches_period(whole))
    without_jit(session)
    values = iter(session.execute(query).one())
    series: dict[str, list[Bar]] = {m: [] for m in measures}
    for period in periods:
        for measure in measures:
            series[measure].append(Bar(f"{period.start:%m/%Y}", int(next(values)), measure, period))
    return series


def on_time_by_agency(session, actor, period: Period, now: datetime) -> list[Bar]:
    """Share of resolved dossiers resolved early or on time, per agency (with sub-units)."""
    report = periodic_report(
        session, actor, period, now, group_by="agency", columns=["resolved", "on_time_or_early"]
    )
    bars = []
    for row in report.rows:
        resolved, good = row.counts["resolved"], row.counts["on_time_or_early"]
        rate = 100.0 * good / resolved if resolved else 0.0
        bars.append(
            Bar(
                label=row.label,
                value=good,
                measure="on_time_or_early",
                period=period,
                filters=Filters(agency_id=row.key),
                caption=f"{rate:.1f}% ({good}/{resolved})",
                length=rate,
            )
        )
    return bars


def overdue_by_field(session, actor, period: Period, now: datetime) -> list[Bar]:
    """Dossiers in progress and overdue at the end of the period (or now), per field."""
    report = periodic_report(session, actor, period, now, group_by="field", columns=["overdue"])
    return [
        Bar(row.label, row.counts["overdue"], "overdue", period, Filters(field=row.key))
        for row in report.rows
        if row.counts["overdue"]
    ]
