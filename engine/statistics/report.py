"""The periodic report on dossier handling, grouped by agency, field, procedure, channel or officer.

One aggregate query per report: every column is a `COUNT(*) FILTER (WHERE <measure>)` over the rows
`touches_period` selects through the indexes, grouped by the chosen dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.procedures.models import Procedure
from engine.statistics.measures import (
    MEASURES,
    REPORT_COLUMNS,
    Period,
    measure_condition,
    touches_period,
)
from engine.statistics.scope import (
    AgencyTree,
    Filters,
    agency_outline,
    load_agency_tree,
    processing_officers,
    scope_condition,
    statistics_agencies,
)
from engine.users.actor import Actor
from engine.users.models import User

GROUPINGS = {
    "agency": "Cơ quan, đơn vị",
    "field": "Lĩnh vực",
    "procedure": "Thủ tục hành chính",
    "channel": "Kênh nộp",
    "officer": "Cán bộ thụ lý",
}
CHANNEL_LABELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính"}


@dataclass
class ReportRow:
    key: object
    label: str
    counts: dict[str, int]
    #: nesting level (agency rows: sub-units are indented under their parent)
    depth: int = 0


@dataclass
class Report:
    period: Period
    group_by: str
    rows: list[ReportRow]
    total: dict[str, int] = field(default_factory=dict)
    columns: list[str] = field(default_factory=lambda: list(REPORT_COLUMNS))

    @property
    def headers(self) -> list[str]:
        return [MEASURES[key].label for key in self.columns]


def periodic_report(
    session: Session,
    actor: Actor | None,
    period: Period,
    now: datetime,
    *,
    group_by: str = "field",
    filters: Filters | None = None,
    columns: list[str] | None = None,
) -> Report:
    """The report for `actor`'s agencies (None: the whole province, for public figures).

    Grouped by agency, each row counts the agency with its sub-units, so a province's row is
    the sum of its own dossiers and its communes'; the total counts each dossier once.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    columns = columns or list(REPORT_COLUMNS)
    filters = filters or Filters()
    tree = load_agency_tree(session)
    where, needs_procedure = scope_condition(tree, actor, filters)
    sums = [count_where(measure_condition(key, period, now)).label(key) for key in columns]
    group_column, query = _grouped(group_by, sums)
    if needs_procedure and group_by not in ("field", "procedure"):
        query = query.join(Procedure, Procedure.id == Dossier.procedure_id)
    query = query.where(where, touches_period(period)).group_by(group_column)
    without_jit(session)
    counted = {
        row[0]: {key: int(row._mapping[key]) for key in columns} for row in session.execute(query)
    }
    visible = statistics_agencies(tree, actor)
    if filters.agency_id is not None:
        visible = tree.with_sub_units(filters.agency_id)
    rows = _rows(session, tree, group_by, counted, columns, visible)
    total = {key: sum(counts[key] for counts in counted.values()) for key in columns}
    return Report(period=period, group_by=group_by, rows=rows, total=total, columns=columns)


def count_where(condition):
    """COUNT(*) FILTER (WHERE ...): a quarter cheaper than SUM(CASE ...) over 180,000 rows."""
    return func.count().filter(condition)


def without_jit(session: Session) -> None:
    """No JIT for this transaction's report queries (PostgreSQL).

    A report is one pass with many small conditions: once its estimated cost passes
    `jit_above_cost` (a long period, a wide table), PostgreSQL compiles them with LLVM, which
    costs ~0.8 s here and saves nothing (measured: 1.2 s with JIT against 0.4 s without).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _grouped(group_by: str, sums: list):
    if group_by == "agency":
        return Dossier.agency_id, select(Dossier.agency_id, *sums)
    if group_by == "field":
        column = Procedure.field
        return column, select(column, *sums).join(Procedure, Procedure.id == Dossier.procedure_id)
    if group_by == "procedure":
        return Dossier.procedure_id, select(Dossier.procedure_id, *sums).join(
            Procedure, Procedure.id == Dossier.procedure_id
        )
    if group_by == "channel":
        return Dossier.channel, select(Dossier.channel, *sums)
    officers = processing_officers()
    return officers.c.officer_id, select(officers.c.officer_id, *sums).outerjoin(
        officers, officers.c.dossier_id == Dossier.id
    )


def _rows(
    session: Session,
    tree: AgencyTree,
    group_by: str,
    counted: dict,
    columns: list[str],
    visible: set[int] | None,
) -> list[ReportRow]:
    if group_by == "agency":
        return _agency_rows(tree, counted, columns, visible)
    if group_by == "procedure":
        names = dict(session.execute(select(Procedure.id, Procedure.name)).all())
    elif group_by == "officer":
        ids = [key for key in counted if key is not None]
        names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
        names[None] = "Chưa có cán bộ thụ lý"
    elif group_by == "channel":
        names = CHANNEL_LABELS
    else:
        names = {}
    rows = [
        ReportRow(key=key, label=str(names.get(key, key) or "(chưa phân lĩnh vực)"), counts=counts)
        for key, counts in counted.items()
    ]
    return sorted(rows, key=lambda row: row.label)


def _agency_rows(
    tree: AgencyTree, counted: dict, columns: list[str], visible: set[int] | None
) -> list[ReportRow]:
    """Each visible agency with a dossier in its subtree, counting the subtree, parents first."""
    rows = []
    for agency_id, depth in agency_outline(tree, counted, visible):
        subtree = tree.with_sub_units(agency_id)
        counts = {
            key: sum(counted.get(member, {}).get(key, 0) for member in subtree) for key in columns
        }
        rows.append(ReportRow(agency_id, tree.names[agency_id], counts, depth))
    return rows
