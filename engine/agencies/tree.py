"""The agency tree and the administrator's scope over it.

Admin rights are granted per agency and reach down the tree: an administrator of a province
manages its communes; an administrator of one commune manages nothing above or beside it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.errors import Forbidden
from engine.users.actor import Actor


def descendant_ids(session: Session, root_ids: frozenset[int] | set[int]) -> set[int]:
    """The roots and every agency under them, retired ones included."""
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        children = set(session.scalars(select(Agency.id).where(Agency.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found


def administered_agency_ids(session: Session, actor: Actor) -> set[int] | None:
    """Agencies the actor may administer; None means all of them (the system itself)."""
    if actor.kind == "system":
        return None
    return descendant_ids(session, actor.agencies_for("admin"))


def administered_agencies(session: Session, actor: Actor) -> list[Agency]:
    """The active agencies the actor administers, by code: the choices of an admin form."""
    scope = administered_agency_ids(session, actor)
    query = select(Agency).where(Agency.is_active).order_by(Agency.code)
    return [agency for agency in session.scalars(query) if scope is None or agency.id in scope]


def is_root_administrator(session: Session, actor: Actor) -> bool:
    """An administrator of a top-level agency manages what belongs to no agency."""
    if actor.kind == "system":
        return True
    roots = session.scalars(
        select(Agency.id).where(
            Agency.parent_id.is_(None), Agency.id.in_(actor.agencies_for("admin"))
        )
    ).first()
    return roots is not None


def require_root_administrator(session: Session, actor: Actor) -> None:
    """What serves the whole deployment (the worker, the outbox, connector settings): only an
    administrator of a top-level agency sees or changes it."""
    if not is_root_administrator(session, actor):
        raise Forbidden("Chỉ quản trị của đơn vị cấp cao nhất được xem và thay đổi mục này.")


def require_administrator(actor: Actor) -> None:
    """The administration pages and API are for administrators of some agency; what each may
    see or change within them is then scoped by administered_agency_ids."""
    if actor.kind != "system" and not actor.agencies_for("admin"):
        raise Forbidden("Chỉ quản trị hệ thống được truy cập trang này.")


def require_admin_of(session: Session, actor: Actor, agency_id: int | None) -> None:
    """Raise Forbidden unless the actor administers the agency (or its ancestors)."""
    scope = administered_agency_ids(session, actor)
    if scope is None:
        return
    if agency_id is None:
        if is_root_administrator(session, actor):
            return
    elif agency_id in scope:
        return
    raise Forbidden("Bạn không có quyền quản trị đơn vị này.")


def agency_tree(session: Session, *, include_retired: bool = True) -> list[tuple[Agency, int]]:
    """Every agency with its depth, parents before children, siblings by code."""
    query = select(Agency).order_by(Agency.code)
    if not include_retired:
        query = query.where(Agency.is_active)
    agencies = list(session.scalars(query))
    children: dict[int | None, list[Agency]] = {}
    known = {agency.id for agency in agencies}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in known else None
        children.setdefault(parent, []).append(agency)
    ordered: list[tuple[Agency, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for agency in children.get(parent_id, []):
            ordered.append((agency, depth))
            walk(agency.id, depth + 1)

    walk(None, 0)
    return ordered
