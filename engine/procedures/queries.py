"""Reads of the procedure catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.configuration.cache import cached_rows
from engine.errors import NotFound
from engine.procedures.models import Procedure, ProcedureVersion


def latest_version(session: Session, procedure: Procedure) -> ProcedureVersion:
    """New dossiers take the newest published version (publishing one changes the
    configuration generation, so the cached answer goes with it)."""
    versions = cached_rows(
        session,
        ProcedureVersion,
        ("latest_version", procedure.id),
        lambda: list(
            session.scalars(
                select(ProcedureVersion)
                .where(ProcedureVersion.procedure_id == procedure.id)
                .order_by(ProcedureVersion.number.desc())
                .limit(1)
            )
        ),
    )
    if not versions:
        raise NotFound("Thủ tục chưa có quy trình được công bố.")
    return versions[0]


def list_active_procedures(session: Session) -> list[Procedure]:
    return list(
        session.scalars(select(Procedure).where(Procedure.is_active).order_by(Procedure.name))
    )


def get_procedure(session: Session, code: str) -> Procedure:
    procedure = session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    return procedure
