"""Finding procedures in the catalogue: keywords without diacritics, and the usual filters.

Citizens type "dang ky khai sinh" as often as "Đăng ký khai sinh", so both sides of the match are
folded to plain lower-case ASCII. The folded text is kept in `Procedure.search_text` (written at
publishing) so the search is one indexed-free LIKE per word that works the same on SQLite and
PostgreSQL, without an unaccent extension.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.procedures.models import Procedure, ProcedureAgency

ONLINE_LEVELS = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần"}
LEVELS = {
    "commune": "Cấp xã",
    "district": "Cấp huyện",
    "province": "Cấp tỉnh",
    "ministry": "Cấp bộ, ngành",
}
_NOT_WORD = re.compile(r"[^a-z0-9.]+")


def fold_diacritics(text: str) -> str:
    """'Đăng ký  KHAI SINH' -> 'dang ky khai sinh': no marks, đ -> d, lower case, one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def index_procedure(procedure: Procedure) -> None:
    """Refresh the columns search reads from the procedure's record (called at publishing)."""
    record = procedure.record or {}
    procedure.online_service_level = str(record.get("online_service_level") or "")
    procedure.search_text = fold_diacritics(
        " ".join([procedure.code, procedure.name, procedure.field or ""])
    )


@dataclass(frozen=True)
class CatalogueQuery:
    keyword: str = ""
    agency_id: int | None = None
    field: str = ""
    level: str = ""
    online_service_level: str = ""


def search_procedures(session: Session, query: CatalogueQuery) -> list[Procedure]:
    """Active procedures matching every word of the keyword and every filter given."""
    return list(session.scalars(_matching(query).order_by(Procedure.name)))


def procedures_after(
    session: Session, query: CatalogueQuery, after_id: int, limit: int
) -> list[Procedure]:
    """The same procedures with an id above `after_id`, by id, at most `limit`: one page of a
    keyset-paged list (the API's)."""
    statement = _matching(query).where(Procedure.id > after_id).order_by(Procedure.id)
    return list(session.scalars(statement.limit(limit)))


def _matching(query: CatalogueQuery):
    statement = select(Procedure).where(Procedure.is_active)
    for word in fold_diacritics(query.keyword).split():
        statement = statement.where(Procedure.search_text.contains(word, autoescape=True))
    if query.agency_id:
        handled = select(ProcedureAgency.procedure_id).where(
            ProcedureAgency.agency_id == query.agency_id
        )
        statement = statement.where(
            (Procedure.agency_id == query.agency_id) | Procedure.id.in_(handled)
        )
    if query.field:
        statement = statement.where(Procedure.field == query.field)
    if query.level:
        statement = statement.where(Procedure.level == query.level)
    if query.online_service_level:
        statement = statement.where(Procedure.online_service_level == query.online_service_level)
    return statement


@dataclass(frozen=True)
class CatalogueFilters:
    """The choices the filter form offers: only values some active procedure has."""

    agencies: list[Agency]
    fields: list[str]
    levels: list[tuple[str, str]]
    online_levels: list[tuple[str, str]]


def catalogue_filters(session: Session) -> CatalogueFilters:
    rows = session.execute(
        select(
            Procedure.agency_id, Procedure.field, Procedure.level, Procedure.online_service_level
        ).where(Procedure.is_active)
    ).all()
    agency_ids = {row.agency_id for row in rows if row.agency_id}
    agencies = (
        list(session.scalars(select(Agency).where(Agency.id.in_(agency_ids)).order_by(Agency.name)))
        if agency_ids
        else []
    )
    levels = {row.level for row in rows if row.level}
    online = {row.online_service_level for row in rows if row.online_service_level}
    return CatalogueFilters(
        agencies=agencies,
        fields=sorted({row.field for row in rows if row.field}),
        levels=[(code, LEVELS.get(code, code)) for code in sorted(levels)],
        online_levels=[(code, ONLINE_LEVELS.get(code, code)) for code in sorted(online)],
    )
