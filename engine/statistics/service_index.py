"""The service index of Decision 766/QĐ-TTg (Bộ chỉ số phục vụ người dân, doanh nghiệp), as far
as our data goes.

766 scores six groups (weights in `WEIGHTS`, 100 points in all). We compute four from the read
model: the handling progress (on-time rate), online service (share of dossiers received online),
online payment (0 until payment exists: there is no payment record yet) and satisfaction, with
766's formula (total − dissatisfied or late) / total over the dossiers resolved in the period,
"dissatisfied" being the applicant's rating "không hài lòng" or "rất không hài lòng"
(measure `late_or_dissatisfied`). Publicity and digitisation need data we do not keep yet; they
are left out and the score is out of `available_points`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.statistics.measures import Period
from engine.statistics.report import periodic_report
from engine.statistics.scope import Filters
from engine.users.actor import Actor

#: points per group in Decision 766/QĐ-TTg; None: not computed (no data)
WEIGHTS = {
    "publicity": (18, None),
    "progress": (20, "on_time_rate"),
    "online_service": (12, "online_rate"),
    "online_payment": (10, "online_payment_rate"),
    "satisfaction": (18, "satisfaction_rate"),
    "digitisation": (22, None),
}


@dataclass(frozen=True)
class ServiceIndex:
    agency_id: int
    agency_name: str
    depth: int
    resolved: int
    received: int
    on_time_rate: float
    online_rate: float
    online_payment_rate: float
    satisfaction_rate: float

    @property
    def score(self) -> float:
        return round(
            sum(points * getattr(self, rate) / 100 for points, rate in WEIGHTS.values() if rate),
            2,
        )

    @property
    def available_points(self) -> int:
        return sum(points for points, rate in WEIGHTS.values() if rate)


def service_indexes(
    session: Session,
    actor: Actor | None,
    period: Period,
    now: datetime,
    filters: Filters | None = None,
) -> list[ServiceIndex]:
    report = periodic_report(
        session,
        actor,
        period,
        now,
        group_by="agency",
        filters=filters,
        columns=[
            "resolved",
            "on_time_or_early",
            "late_or_dissatisfied",
            "received_new",
            "received_online",
        ],
    )
    return [
        ServiceIndex(
            agency_id=row.key,
            agency_name=row.label,
            depth=row.depth,
            resolved=row.counts["resolved"],
            received=row.counts["received_new"],
            on_time_rate=_rate(row.counts["on_time_or_early"], row.counts["resolved"]),
            online_rate=_rate(row.counts["received_online"], row.counts["received_new"]),
            online_payment_rate=0.0,
            satisfaction_rate=_rate(
                row.counts["resolved"] - row.counts["late_or_dissatisfied"],
                row.counts["resolved"],
            ),
        )
        for row in report.rows
    ]


def _rate(part: int, whole: int) -> float:
    """Percent; nothing to count shows 100 (nothing went wrong): our choice, not 766's text."""
    return round(100.0 * part / whole, 2) if whole else 100.0
