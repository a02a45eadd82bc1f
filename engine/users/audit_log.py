"""Reading the audit trail: administrators' changes and a dossier's history, for the admin and
the auditor (thanh tra), filtered and paginated.

Scope. A reader's agencies are those where they hold `admin` or `auditor`, with every agency
below them. A reader whose agencies include a top-level agency sees every entry (the whole
deployment is theirs, including the system's own entries and calendar changes). Any other
reader sees the entries made by people who hold a role in one of their agencies, and the
entries whose target is one of their agencies (`agency:<code>`): what their own staff changed
and what was changed about them, and the uses of the API keys that act only for their
agencies. A dossier's history is shown when the dossier belongs to, was received by, or was
shared with one of their agencies; otherwise it does not exist for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import descendant_ids
from engine.api_clients.client_keys import key_audit_targets
from engine.calendar.overrides import parse_day
from engine.dossiers.models import Dossier, DossierAgency, DossierEvent
from engine.errors import InvalidInput, NotFound
from engine.timestamps import LOCAL_TZ
from engine.users.actor import Actor
from engine.users.admin_audit import AdminAuditEntry
from engine.users.models import RoleAssignment

PAGE_SIZE = 50
READER_ROLES = ("admin", "auditor")


@dataclass(frozen=True)
class AuditFilters:
    """What the reader typed; empty strings mean no filter. Dates are dd/mm/yyyy, local."""

    user: str = ""
    action: str = ""
    target: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass
class AuditPage:
    entries: list[AdminAuditEntry]
    page: int
    pages: int
    total: int
    actions: list[str] = field(default_factory=list)


def list_audit_entries(
    session: Session, actor: Actor, filters: AuditFilters, page: int = 1
) -> AuditPage:
    """One page of the entries the actor may read, newest first."""
    query = _filtered(_scoped(session, actor), filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = session.scalars(
        query.order_by(AdminAuditEntry.at.desc(), AdminAuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    scoped = _scoped(session, actor).subquery()
    actions = session.scalars(select(scoped.c.action).distinct().order_by(scoped.c.action)).all()
    return AuditPage(list(entries), page, pages, total, list(actions))


def all_audit_entries(
    session: Session, actor: Actor, filters: AuditFilters
) -> list[AdminAuditEntry]:
    """Every entry matching the filters, for the CSV export; newest first."""
    query = _filtered(_scoped(session, actor), filters)
    return list(session.scalars(query.order_by(AdminAuditEntry.at.desc())))


def dossier_history(session: Session, actor: Actor, code: str) -> tuple[Dossier, list]:
    """A dossier's events in order, when the dossier is in the reader's scope."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code.strip()))
    scope = reader_agency_ids(session, actor)
    if dossier is None or (scope is not None and not _dossier_in_scope(session, dossier, scope)):
        raise NotFound(f"Không tìm thấy hồ sơ {code.strip()} trong phạm vi đơn vị của bạn.")
    events = session.scalars(
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier.id)
        .order_by(DossierEvent.at, DossierEvent.id)
    ).all()
    return dossier, list(events)


def reader_agency_ids(session: Session, actor: Actor) -> set[int] | None:
    """The agencies whose audit trail the actor reads; None means every agency."""
    if actor.kind == "system":
        return None
    roots = set().union(*(actor.agencies_for(role) for role in READER_ROLES))
    top_level = session.scalar(
        select(Agency.id).where(Agency.parent_id.is_(None), Agency.id.in_(roots))
    )
    if top_level is not None:
        return None
    return descendant_ids(session, roots)


def _scoped(session: Session, actor: Actor) -> Select:
    query = select(AdminAuditEntry)
    scope = reader_agency_ids(session, actor)
    if scope is None:
        return query
    staff = select(RoleAssignment.user_id).where(RoleAssignment.agency_id.in_(scope))
    codes = session.scalars(select(Agency.code).where(Agency.id.in_(scope)))
    agency_targets = [f"agency:{code}" for code in codes]
    agency_targets += key_audit_targets(session, scope)
    return query.where(
        or_(AdminAuditEntry.actor_id.in_(staff), AdminAuditEntry.target.in_(agency_targets))
    )


def _filtered(query: Select, filters: AuditFilters) -> Select:
    errors: dict[str, str] = {}
    start = _day_or_none(filters.date_from, "date_from", errors)
    end = _day_or_none(filters.date_to, "date_to", errors)
    if start and end and end < start:
        errors["date_to"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
    if errors:
        raise InvalidInput("Bộ lọc chưa hợp lệ.", errors)
    if filters.user.strip():
        query = query.where(_contains(AdminAuditEntry.actor_name, filters.user))
    if filters.action.strip():
        query = query.where(AdminAuditEntry.action == filters.action.strip())
    if filters.target.strip():
        query = query.where(_contains(AdminAuditEntry.target, filters.target))
    if start:
        query = query.where(AdminAuditEntry.at >= _local_midnight(start))
    if end:
        query = query.where(AdminAuditEntry.at < _local_midnight(end + timedelta(days=1)))
    return query


def _dossier_in_scope(session: Session, dossier: Dossier, scope: set[int]) -> bool:
    if dossier.agency_id in scope or dossier.receiving_agency_id in scope:
        return True
    shared = session.scalar(
        select(DossierAgency.id).where(
            DossierAgency.dossier_id == dossier.id, DossierAgency.agency_id.in_(scope)
        )
    )
    return shared is not None


def _day_or_none(text: str, field_name: str, errors: dict[str, str]) -> date | None:
    return parse_day(text, errors, field_name) if (text or "").strip() else None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def _contains(column, text: str):
    """Case-insensitive substring match; % and _ typed by the reader match themselves."""
    return func.lower(column).contains(text.strip().lower(), autoescape=True)
