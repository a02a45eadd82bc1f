"""Dossier codes `<agency code>-<YYMMDD>-<NNNN>` (Circular 01/2018/TT-VPCP, art. 19)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.dossiers.models import DossierCodeSequence
from engine.timestamps import LOCAL_TZ


def next_dossier_code(session: Session, agency_code: str, at: datetime) -> str:
    """Hand out the next number of the agency's day in one atomic upsert.

    The row is locked by the upsert until the transaction ends, so concurrent submissions get
    consecutive numbers and a rolled-back one gives its number back.
    """
    day = at.astimezone(LOCAL_TZ).date()
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DossierCodeSequence.__table__
    statement = (
        dialect_insert(table)
        .values(agency_code=agency_code, day=day, last_number=1)
        .on_conflict_do_update(
            index_elements=[table.c.agency_code, table.c.day],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )
    number = session.execute(statement).scalar_one()
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"
