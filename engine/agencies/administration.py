"""Administrators' operations on the agency tree: declare, edit, retire and restore units.

A retired unit is never deleted: old dossiers keep naming it, and its history stays readable.
It only stops receiving new dossiers (engine/dossiers/submission.py, interagency.py refuse it).
Every change is scoped by require_admin_of and written to the admin audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import (
    administered_agencies,
    administered_agency_ids,
    descendant_ids,
    require_admin_of,
)
from engine.errors import Conflict, InvalidInput, NotFound
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change
from engine.users.models import RoleAssignment, User

AGENCY_LEVELS = {
    "province": "Cấp tỉnh",
    "department": "Sở, ban, ngành / phòng chuyên môn",
    "commune": "Cấp xã",
    "ministry": "Cấp bộ",
    "district": "Cấp huyện (trước 01/7/2025)",
}
#: what an administrator may change in a unit
EDITABLE_FIELDS = ("code", "name", "level", "parent_id", "admin_unit_code")
#: digits, letters, dots and dashes: the shape of mã định danh (000.00.20.H25) and of ours
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{1,39}$")


@dataclass
class AgencyNode:
    """One unit of the tree page, with the officers who hold a role directly in it."""

    agency: Agency
    officers: int
    children: list[AgencyNode] = field(default_factory=list)

    @property
    def officers_below(self) -> int:
        """Officers of this unit and every unit under it (a person counts once per unit)."""
        return self.officers + sum(child.officers_below for child in self.children)


def administered_tree(session: Session, actor: Actor) -> list[AgencyNode]:
    """The units the actor administers as a forest, children by code, retired ones included."""
    scope = administered_agency_ids(session, actor)
    query = select(Agency).order_by(Agency.code)
    if scope is not None:
        query = query.where(Agency.id.in_(scope))
    agencies = list(session.scalars(query))
    counts = dict(
        session.execute(
            select(RoleAssignment.agency_id, func.count(func.distinct(RoleAssignment.user_id)))
            .join(User, User.id == RoleAssignment.user_id)
            .where(User.is_active, User.kind == "officer")
            .group_by(RoleAssignment.agency_id)
        ).all()
    )
    nodes = {agency.id: AgencyNode(agency, counts.get(agency.id, 0)) for agency in agencies}
    roots: list[AgencyNode] = []
    for agency in agencies:
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(nodes[agency.id])
    return roots


def administered_agencies_after(
    session: Session, actor: Actor, after_id: int, count: int
) -> list[Agency]:
    """One page of the units the actor administers, retired ones included, by id after
    `after_id` (the API's pages); the tree is rebuilt from each unit's parent_id."""
    scope = administered_agency_ids(session, actor)
    query = select(Agency).where(Agency.id > after_id).order_by(Agency.id).limit(count)
    if scope is not None:
        query = query.where(Agency.id.in_(scope))
    return list(session.scalars(query))


def get_administered_agency(session: Session, actor: Actor, agency_id: int) -> Agency:
    """The unit, if the actor administers it; NotFound hides units outside the scope."""
    agency = session.get(Agency, agency_id)
    scope = administered_agency_ids(session, actor)
    if agency is None or (scope is not None and agency.id not in scope):
        raise NotFound("Không tìm thấy đơn vị.")
    return agency


def create_agency(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    level: str,
    parent_id: int | None,
    admin_unit_code: str = "",
) -> Agency:
    """Declare a unit under a parent the actor administers (no parent: root administrators)."""
    require_admin_of(session, actor, parent_id)
    values = _checked(
        session,
        None,
        code=code,
        name=name,
        level=level,
        parent_id=parent_id,
        admin_unit_code=admin_unit_code,
    )
    agency = Agency(**values, is_active=True)
    session.add(agency)
    session.flush()
    record_admin_change(session, actor, "agency_created", f"agency:{agency.code}", values)
    return agency


def update_agency(
    session: Session,
    actor: Actor,
    agency_id: int,
    *,
    code: str,
    name: str,
    level: str,
    parent_id: int | None,
    admin_unit_code: str = "",
) -> Agency:
    """Rename, recode or move a unit; the new parent must be in the actor's scope too.

    `admin_unit_code` links the unit to an administrative unit of the import (a province set
    up by hand before importing its communes)."""
    agency = get_administered_agency(session, actor, agency_id)
    require_admin_of(session, actor, agency.id)
    if parent_id != agency.parent_id:
        require_admin_of(session, actor, parent_id)
    values = _checked(
        session,
        agency,
        code=code,
        name=name,
        level=level,
        parent_id=parent_id,
        admin_unit_code=admin_unit_code,
    )
    changed = {key: value for key, value in values.items() if getattr(agency, key) != value}
    old_code = agency.code
    for key, value in changed.items():
        setattr(agency, key, value)
    session.flush()
    record_admin_change(session, actor, "agency_updated", f"agency:{old_code}", changed)
    return agency


def amend_agency(session: Session, actor: Actor, agency_id: int, changes: dict) -> Agency:
    """update_agency with only the fields given; the others keep their value."""
    agency = get_administered_agency(session, actor, agency_id)
    current = {key: getattr(agency, key) for key in EDITABLE_FIELDS}
    current["admin_unit_code"] = current["admin_unit_code"] or ""
    return update_agency(session, actor, agency_id, **(current | changes))


def retire_agency(session: Session, actor: Actor, agency_id: int, *, reason: str = "") -> Agency:
    """Stop the unit receiving new dossiers; it stays in the tree for the dossiers it holds."""
    agency = get_administered_agency(session, actor, agency_id)
    require_admin_of(session, actor, agency.id)
    if not agency.is_active:
        raise Conflict(f"Đơn vị {agency.name} đã ngừng hoạt động.")
    active_child = session.scalar(
        select(Agency.name).where(Agency.parent_id == agency.id, Agency.is_active).limit(1)
    )
    if active_child:
        raise Conflict(
            f"Đơn vị {agency.name} còn đơn vị trực thuộc đang hoạt động ({active_child}): "
            "hãy cho các đơn vị đó ngừng hoạt động trước."
        )
    agency.is_active = False
    session.flush()
    record_admin_change(
        session, actor, "agency_retired", f"agency:{agency.code}", {"reason": reason}
    )
    return agency


def restore_agency(session: Session, actor: Actor, agency_id: int) -> Agency:
    agency = get_administered_agency(session, actor, agency_id)
    require_admin_of(session, actor, agency.id)
    if agency.parent is not None and not agency.parent.is_active:
        raise Conflict(f"Đơn vị cấp trên {agency.parent.name} đang ngừng hoạt động.")
    agency.is_active = True
    session.flush()
    record_admin_change(session, actor, "agency_restored", f"agency:{agency.code}")
    return agency


def parent_choices(session: Session, actor: Actor, agency: Agency | None = None) -> list[Agency]:
    """Active units the actor may put a unit under (never the unit itself or its sub-units)."""
    excluded = descendant_ids(session, {agency.id}) if agency is not None else set()
    return [choice for choice in administered_agencies(session, actor) if choice.id not in excluded]


def _checked(
    session: Session,
    agency: Agency | None,
    *,
    code: str,
    name: str,
    level: str,
    parent_id: int | None,
    admin_unit_code: str,
) -> dict:
    code, name = code.strip(), " ".join(name.split())
    unit_code = admin_unit_code.strip() or None
    problems: dict[str, str] = {}
    if unit_code is not None:
        if not (unit_code.isdigit() and len(unit_code) in (2, 5)):
            problems["admin_unit_code"] = (
                "Mã đơn vị hành chính gồm 2 chữ số (tỉnh, ví dụ 79) "
                "hoặc 5 chữ số (xã, ví dụ 26734)."
            )
        else:
            holder = session.scalar(select(Agency).where(Agency.admin_unit_code == unit_code))
            if holder is not None and holder is not agency:
                problems["admin_unit_code"] = f"Mã {unit_code} đã gắn với {holder.name}."
    if not CODE_PATTERN.match(code):
        problems["code"] = (
            "Mã đơn vị gồm 2–40 ký tự: chữ, số, dấu chấm hoặc gạch ngang (ví dụ 000.00.20.H25)."
        )
    else:
        holder = session.scalar(select(Agency).where(Agency.code == code))
        if holder is not None and holder is not agency:
            problems["code"] = f"Mã {code} đã được dùng cho {holder.name}."
    if not name:
        problems["name"] = "Vui lòng nhập tên đơn vị."
    elif len(name) > 255:
        problems["name"] = "Tên đơn vị không dài quá 255 ký tự."
    if level not in AGENCY_LEVELS:
        problems["level"] = "Vui lòng chọn cấp của đơn vị."
    if parent_id is not None:
        parent = session.get(Agency, parent_id)
        if parent is None:
            problems["parent_id"] = "Không tìm thấy đơn vị cấp trên."
        elif not parent.is_active:
            problems["parent_id"] = f"Đơn vị cấp trên {parent.name} đang ngừng hoạt động."
        elif agency is not None and parent_id in descendant_ids(session, {agency.id}):
            problems["parent_id"] = (
                "Không thể đặt một đơn vị dưới chính nó hoặc đơn vị trực thuộc nó."
            )
    if problems:
        raise InvalidInput("Thông tin đơn vị chưa hợp lệ.", problems)
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_id": parent_id,
        "admin_unit_code": unit_code,
    }
