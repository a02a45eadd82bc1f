"""The national portal's procedure catalogue (LayDanhSachTTHC, LayThuTuc) compared with ours.

The portal is the legal source of a procedure's record, but a province edits its own copy
(a local fee note, a unit's name), so a fetch never writes the catalogue: every procedure whose
record differs is kept as one change listing the differing fields, and an administrator accepts
it per procedure (engine/procedures/catalogue.py writes it then, audited). A local edit made
after an acceptance shows up again as a difference at the next fetch; nothing is overwritten
without someone saying so.

Both records are compared as the portal's shape states them (ours exported and read back the
way a portal record is read), so what that shape cannot carry (step roles, whether a document
is required, the online service level, validity dates) never shows as a difference; accepting
writes only the differing fields, completed with those details from our record.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.contract import OperationFailed, OperationRefused
from connectors.national_portal.client import (
    SETTINGS_PROVIDER,
    get_procedure,
    list_procedures,
    portal_settings,
)
from engine.agencies.models import Agency
from engine.agencies.tree import require_root_administrator
from engine.connector_settings.settings import provider_settings
from engine.connector_tokens.store import DatabaseSessionStore
from engine.db import transaction
from engine.errors import InvalidInput, NotFound
from engine.national_portal.models import PortalProcedureChange
from engine.procedures.catalogue import RECORD_FIELDS, create_procedure, update_procedure
from engine.procedures.models import Procedure
from engine.procedures.national_format import from_national, to_national
from engine.timestamps import utcnow
from engine.users.actor import Actor

log = logging.getLogger(__name__)

FETCH_EVERY_SECONDS = 3600
FIELD_LABELS = {
    "code": "Mã thủ tục",
    "name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "field_code": "Mã lĩnh vực",
    "level": "Cấp thực hiện",
    "implementing_agency": "Cơ quan thực hiện",
    "deadline_working_days": "Thời hạn giải quyết (ngày làm việc)",
    "deadline_note": "Ghi chú thời hạn",
    "channel_deadlines": "Thời hạn theo cách thức thực hiện",
    "channels": "Cách thức thực hiện",
    "online_service_level": "Mức độ dịch vụ công trực tuyến",
    "fees": "Phí, lệ phí",
    "documents": "Thành phần hồ sơ",
    "steps": "Trình tự thực hiện",
    "who_may_apply": "Đối tượng thực hiện",
    "conditions": "Yêu cầu, điều kiện",
    "result": "Kết quả thực hiện",
    "legal_basis": "Căn cứ pháp lý",
    "valid_from": "Ngày có hiệu lực",
    "valid_to": "Ngày hết hiệu lực",
}
#: record keys the portal's shape does not carry: ours are kept
LOCAL_ONLY = ("online_service_level", "valid_from", "valid_to")


@dataclass(frozen=True)
class FetchReport:
    #: procedures listed by the portal
    listed: int
    #: changes waiting for an administrator after this fetch
    waiting: int
    #: records that could not be read, with why
    unreadable: list[str]


def fetch_portal_catalogue(session_factory: sessionmaker[Session]) -> FetchReport | None:
    """The worker job (and the admin page's "fetch now"): read every procedure of the portal,
    then record the differences in one transaction. None while sync is off or the portal
    cannot be reached."""
    with session_factory() as session:
        settings = portal_settings(provider_settings(session, SETTINGS_PROVIDER))
    if not settings.sync:
        return None
    store = DatabaseSessionStore(session_factory)
    try:
        listed = list_procedures(settings, store)
        items = [get_procedure(str(row.get("MATTHC")), settings, store) for row in listed]
    except (OperationFailed, OperationRefused) as error:
        log.warning("national portal: fetching the catalogue failed: %s", error)
        return None
    with session_factory() as session, transaction(session):
        return record_portal_catalogue(session, items)


def record_portal_catalogue(session: Session, items: list[dict]) -> FetchReport:
    """Keep one waiting change per procedure whose portal record differs from ours."""
    unreadable = []
    for item in items:
        try:
            portal = from_national(item)
        except InvalidInput as error:
            unreadable.append(f"{item.get('MATTHC')}: {error.message}")
            continue
        if not portal["code"]:
            unreadable.append("Bản ghi thiếu MATTHC")
            continue
        local = session.scalar(select(Procedure).where(Procedure.code == portal["code"]))
        if local is None:
            differences = _differences({}, portal)
        else:
            differences = _differences(_as_portal_states(local), _stated(item))
            portal = _with_local_only(portal, local.record or {})
        change = session.scalar(
            select(PortalProcedureChange).where(
                PortalProcedureChange.procedure_code == portal["code"]
            )
        )
        if not differences:
            if change is not None and change.accepted_at is None:
                session.delete(change)
            continue
        if change is None:
            change = PortalProcedureChange(procedure_code=portal["code"])
            session.add(change)
        elif change.accepted_at is None and change.portal_record == portal:
            continue
        change.portal_record = portal
        change.differences = differences
        change.is_new = local is None
        change.agency_code = ((item.get("COQUANTHUCHIEN") or [{}])[0]).get("MADONVI") or None
        change.fetched_at = utcnow()
        change.accepted_at = None
        change.accepted_by_id = None
    session.flush()
    return FetchReport(
        listed=len(items), waiting=len(list_waiting_changes(session)), unreadable=unreadable
    )


def list_waiting_changes(session: Session) -> list[PortalProcedureChange]:
    return list(
        session.scalars(
            select(PortalProcedureChange)
            .where(PortalProcedureChange.accepted_at.is_(None))
            .order_by(PortalProcedureChange.procedure_code)
        )
    )


def list_portal_changes(session: Session, actor: Actor) -> list[PortalProcedureChange]:
    """Waiting changes first, then the ones accepted, most recent first."""
    require_root_administrator(session, actor)
    accepted = session.scalars(
        select(PortalProcedureChange)
        .where(PortalProcedureChange.accepted_at.is_not(None))
        .order_by(PortalProcedureChange.accepted_at.desc())
        .limit(50)
    )
    return list_waiting_changes(session) + list(accepted)


def accept_portal_change(session: Session, actor: Actor, change_id: int) -> Procedure:
    """Write the portal's record of one procedure into our catalogue (create it when new)."""
    require_root_administrator(session, actor)
    change = session.get(PortalProcedureChange, change_id, with_for_update=True)
    if change is None or change.accepted_at is not None:
        raise NotFound("Không tìm thấy thay đổi đang chờ duyệt này (có thể đã được chấp nhận).")
    local = session.scalar(select(Procedure).where(Procedure.code == change.procedure_code))
    if local is None:
        agency_id = None
        if change.agency_code:
            agency_id = session.scalar(select(Agency.id).where(Agency.code == change.agency_code))
        procedure = create_procedure(session, actor, change.portal_record, agency_id=agency_id)
    else:
        fields = {row["field"] for row in change.differences}
        changed = {key: value for key, value in change.portal_record.items() if key in fields}
        procedure = update_procedure(session, actor, local.code, {**local.record, **changed})
    change.accepted_at = utcnow()
    change.accepted_by_id = actor.user_id
    session.flush()
    return procedure


def value_text(value: object) -> str:
    """A record value as the review page shows it."""
    if value in (None, "", [], {}):
        return "(trống)"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, indent=1)


def _differences(local: dict, portal: dict) -> list[dict]:
    return [
        {
            "field": key,
            "label": FIELD_LABELS.get(key, key),
            "local": value_text(local.get(key)),
            "portal": value_text(portal.get(key)),
        }
        for key in RECORD_FIELDS
        if _comparable(local.get(key)) != _comparable(portal.get(key))
    ]


def _comparable(value: object) -> object:
    return None if value in (None, "", [], {}) else value


def _as_portal_states(procedure: Procedure) -> dict:
    """Our record as the portal's shape states it: what a portal record is comparable with."""
    return _stated(to_national(procedure))


def _stated(item: dict) -> dict:
    """A portal record read without what only our own exports carry (the MOTCUA object)."""
    return from_national({key: value for key, value in item.items() if key != "MOTCUA"})


def _with_local_only(portal: dict, local: dict) -> dict:
    """The portal's record with what its shape cannot carry taken from ours: the online
    service level and validity, and per row the keys only ours has (a step's role, whether a
    document is required, how it is given online, a law's articles)."""
    merged = dict(portal)
    for key in LOCAL_ONLY:
        merged[key] = local.get(key, portal.get(key))
    merged["steps"] = _rows_with_local_keys(portal.get("steps"), local.get("steps"))
    merged["documents"] = _rows_with_local_keys(
        portal.get("documents"), local.get("documents"), match="code"
    )
    merged["legal_basis"] = _rows_with_local_keys(
        portal.get("legal_basis"), local.get("legal_basis"), match="code"
    )
    return merged


def _rows_with_local_keys(
    rows: list | None, local_rows: list | None, match: str | None = None
) -> list:
    """Each portal row completed with the keys of our matching row (same `match` value, or the
    same place) that the portal's row does not state; `required` is always ours."""
    local_rows = local_rows or []
    by_key = {row.get(match): row for row in local_rows} if match else {}
    result = []
    for index, row in enumerate(rows or []):
        ours = by_key.get(row.get(match)) if match else None
        if ours is None and not match and index < len(local_rows):
            ours = local_rows[index]
        merged = dict(row)
        for key, value in (ours or {}).items():
            if key not in row or key in ("required", "role"):
                merged[key] = value
        result.append(merged)
    return result
