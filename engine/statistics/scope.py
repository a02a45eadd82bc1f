"""Whose dossiers a statistic counts: agencies with their sub-units, and the report's filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.dossiers.models import Dossier
from engine.errors import Forbidden
from engine.procedures.models import Procedure
from engine.tasks.models import COMPLETED, Task
from engine.users.actor import Actor

#: roles that may read statistics of their agencies and the units below them
STATISTICS_ROLES = ("leader", "agency_leader", "admin", "auditor")


@dataclass(frozen=True)
class AgencyTree:
    """Every agency by id, with its children: small enough to hold for one request."""

    names: dict[int, str]
    parents: dict[int, int | None]
    children: dict[int, list[int]] = field(default_factory=dict)

    def with_sub_units(self, agency_id: int) -> set[int]:
        found, stack = set(), [agency_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self.children.get(current, []))
        return found

    def depth(self, agency_id: int) -> int:
        depth, current = 0, self.parents.get(agency_id)
        while current is not None and depth < 20:
            depth, current = depth + 1, self.parents.get(current)
        return depth


def load_agency_tree(session: Session) -> AgencyTree:
    rows = session.execute(select(Agency.id, Agency.name, Agency.parent_id)).all()
    children: dict[int, list[int]] = {}
    for agency_id, _name, parent_id in rows:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(agency_id)
    return AgencyTree(
        names={agency_id: name for agency_id, name, _ in rows},
        parents={agency_id: parent_id for agency_id, _, parent_id in rows},
        children=children,
    )


def agency_outline(
    tree: AgencyTree, counted: Iterable[int], visible: set[int] | None
) -> list[tuple[int, int]]:
    """(agency, depth) of each visible agency with something counted in its subtree, parents
    first and sub-units indented under them; a row then sums `tree.with_sub_units(agency)`."""
    shown: set[int] = set()
    for agency_id in counted:
        current = agency_id
        while current is not None and current not in shown:
            if visible is not None and current not in visible:
                break
            shown.add(current)
            current = tree.parents.get(current)
    outline: list[tuple[int, int]] = []

    def visit(agency_id: int, depth: int) -> None:
        outline.append((agency_id, depth))
        for child in sorted(tree.children.get(agency_id, []), key=lambda a: tree.names[a]):
            if child in shown:
                visit(child, depth + 1)

    roots = [a for a in shown if tree.parents.get(a) not in shown]
    for root in sorted(roots, key=lambda a: tree.names[a]):
        visit(root, 0)
    return outline


@dataclass(frozen=True)
class Filters:
    """The report's and the list's filters; None means all."""

    agency_id: int | None = None
    field: str | None = None
    procedure_id: int | None = None
    channel: int | None = None
    officer_id: int | None = None


def statistics_agencies(tree: AgencyTree, actor: Actor | None) -> set[int] | None:
    """The agencies an actor's statistics cover (None: everything, for the public figures)."""
    if actor is None:
        return None
    granted = set().union(*(actor.agencies_for(role) for role in STATISTICS_ROLES))
    if not granted:
        raise Forbidden("Chỉ lãnh đạo và quản trị mới xem được thống kê.")
    return set().union(*(tree.with_sub_units(agency_id) for agency_id in granted))


def scope_condition(
    tree: AgencyTree, actor: Actor | None, filters: Filters
) -> tuple[ColumnElement[bool], bool]:
    """The WHERE for the actor's scope and the filters, and whether it needs procedures joined."""
    allowed = statistics_agencies(tree, actor)
    conditions = []
    if filters.agency_id is not None:
        wanted = tree.with_sub_units(filters.agency_id)
        if allowed is not None and not wanted <= allowed:
            raise Forbidden("Bạn không được xem thống kê của cơ quan này.")
        allowed = wanted
    if allowed is not None:
        conditions.append(Dossier.agency_id.in_(sorted(allowed)))
    if filters.field is not None:
        conditions.append(Procedure.field == filters.field)
    if filters.procedure_id is not None:
        conditions.append(Dossier.procedure_id == filters.procedure_id)
    if filters.channel is not None:
        conditions.append(Dossier.channel == filters.channel)
    if filters.officer_id is not None:
        conditions.append(Dossier.id.in_(processed_by(filters.officer_id)))
    return (and_(*conditions) if conditions else true()), filters.field is not None


def processed_by(officer_id: int):
    """Dossiers whose processing task the officer completed."""
    return select(Task.dossier_id).where(
        Task.role == "processing", Task.state == COMPLETED, Task.completed_by_id == officer_id
    )


def processing_officers():
    """dossier id -> the officer who completed its (last) processing task, as a subquery."""
    from sqlalchemy import func

    return (
        select(Task.dossier_id, func.max(Task.completed_by_id).label("officer_id"))
        .where(Task.role == "processing", Task.state == COMPLETED)
        .group_by(Task.dossier_id)
        .subquery()
    )
