"""The dashboard's figures in one read, for other systems (the API's report summary).

The same numbers as the leaders' dashboard and periodic report: the report's columns per agency
(with sub-units) and per procedure, the satisfaction ratings and the service index of Decision
766, all within the actor's statistics scope (engine/statistics/scope.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.statistics.measures import MEASURES, Period
from engine.statistics.report import Report, periodic_report
from engine.statistics.satisfaction import SatisfactionResults, satisfaction_results
from engine.statistics.scope import Filters
from engine.statistics.service_index import ServiceIndex, service_indexes
from engine.users.actor import Actor


@dataclass(frozen=True)
class ReportSummary:
    period: Period
    #: the agency asked for (with its sub-units); None: every agency of the actor's scope
    agency_id: int | None
    by_agency: Report
    by_procedure: Report
    satisfaction: SatisfactionResults
    service_indexes: list[ServiceIndex]

    @property
    def columns(self) -> list[dict[str, str]]:
        """What each count is: the measure's key and its label in the periodic report."""
        return [{"key": key, "label": MEASURES[key].label} for key in self.by_agency.columns]


def report_summary(
    session: Session, actor: Actor, period: Period, now: datetime, *, agency_id: int | None = None
) -> ReportSummary:
    """Forbidden for an actor without statistics rights or an agency outside their scope."""
    filters = Filters(agency_id=agency_id)
    return ReportSummary(
        period=period,
        agency_id=agency_id,
        by_agency=periodic_report(session, actor, period, now, group_by="agency", filters=filters),
        by_procedure=periodic_report(
            session, actor, period, now, group_by="procedure", filters=filters
        ),
        satisfaction=satisfaction_results(session, actor, period, agency_id=agency_id),
        service_indexes=service_indexes(session, actor, period, now, filters),
    )
