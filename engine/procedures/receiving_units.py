"""Which units receive a procedure's dossiers.

A procedure has a home unit (Procedure.agency_id: it manages the record and, by default,
receives the dossiers). An administrator may instead tick the units that handle it — e.g. every
commune of a province for a commune-level procedure — in procedure_agencies; then those units,
and only those, receive its dossiers. Retired units never receive new dossiers.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agency_ids, require_admin_of
from engine.configuration.cache import cached_rows, configuration_changed
from engine.errors import InvalidInput, NotFound
from engine.procedures.models import Procedure, ProcedureAgency
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change


def assigned_agency_ids(session: Session, procedure_id: int) -> set[int]:
    """The ticked units, retired ones included (empty: the home unit receives)."""
    return set(
        session.scalars(
            select(ProcedureAgency.agency_id).where(ProcedureAgency.procedure_id == procedure_id)
        )
    )


def receiving_agencies(session: Session, procedure: Procedure) -> list[Agency]:
    """Active units that receive new dossiers of the procedure, by name (a submission's step
    takes them from this process's copies: ticking a unit changes the configuration
    generation)."""

    def find() -> list[Agency]:
        ids = assigned_agency_ids(session, procedure.id)
        if not ids and procedure.agency_id is not None:
            ids = {procedure.agency_id}
        if not ids:
            return []
        return list(
            session.scalars(
                select(Agency).where(Agency.id.in_(ids), Agency.is_active).order_by(Agency.name)
            )
        )

    return cached_rows(session, Agency, ("receiving_agencies", procedure.id), find)


def handles_procedure(session: Session, procedure: Procedure, agency_id: int) -> bool:
    """Whether a counter of this unit may receive the procedure: any unit when none is
    ticked (the catalogue is shared), only the ticked units otherwise."""
    ids = assigned_agency_ids(session, procedure.id)
    return not ids or agency_id in ids


def procedures_received_at(session: Session, agency_ids: set[int]) -> list[Procedure]:
    """Active procedures a counter of one of these units may receive (see handles_procedure)."""
    ticked = select(ProcedureAgency.procedure_id).where(
        ProcedureAgency.procedure_id == Procedure.id
    )
    ticked_here = ticked.where(ProcedureAgency.agency_id.in_(agency_ids))
    return list(
        session.scalars(
            select(Procedure)
            .where(Procedure.is_active, ~ticked.exists() | ticked_here.exists())
            .order_by(Procedure.name)
        )
    )


def set_receiving_agencies(
    session: Session, actor: Actor, procedure_code: str, agency_ids: set[int]
) -> set[int]:
    """Replace the ticked units the actor administers; units outside the actor's scope keep
    their tick (an administrator of A cannot add or remove B). Returns the ticked set."""
    procedure = session.scalar(select(Procedure).where(Procedure.code == procedure_code))
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    scope = administered_agency_ids(session, actor)
    for agency_id in agency_ids:
        require_admin_of(session, actor, agency_id)
    current = assigned_agency_ids(session, procedure.id)
    mine = current if scope is None else current & scope
    added, removed = agency_ids - current, mine - agency_ids
    retired = session.scalars(
        select(Agency.name).where(Agency.id.in_(added), Agency.is_active.is_(False))
    ).all()
    if retired:
        message = f"Đơn vị đã ngừng hoạt động không thể nhận hồ sơ mới: {', '.join(retired)}."
        raise InvalidInput(message, {"agency_ids": message})
    session.add_all(ProcedureAgency(procedure_id=procedure.id, agency_id=i) for i in added)
    if removed:
        session.execute(
            delete(ProcedureAgency).where(
                ProcedureAgency.procedure_id == procedure.id,
                ProcedureAgency.agency_id.in_(removed),
            )
        )
        # a core delete passes no ORM event: say it, or submissions keep the removed unit
        configuration_changed(session)
    session.flush()
    if added or removed:
        record_admin_change(
            session,
            actor,
            "procedure_units_changed",
            f"procedure:{procedure.code}",
            {"added": sorted(added), "removed": sorted(removed)},
        )
    return (current | added) - removed
