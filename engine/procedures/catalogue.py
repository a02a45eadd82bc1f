"""The procedure catalogue: declare, edit and retire procedures with their legal record.

The record holds what the law requires a published procedure to say (Decree 63/2010, Circular
02/2017/TT-VPCP): code, name, field, implementing agency and level, steps, channels, documents
per case, processing time per channel, fees, who may apply, conditions, result, legal basis,
online service level and validity. The workflow itself comes from a published package.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.agencies.tree import require_admin_of
from engine.errors import Conflict, InvalidInput, NotFound
from engine.procedures.models import Procedure
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

LEVELS = {
    "commune": "Cấp xã",
    "province": "Cấp tỉnh",
    "ministry": "Cấp bộ",
    "district": "Cấp huyện (trước 01/7/2025)",
}
CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Dịch vụ bưu chính"}
ONLINE_LEVELS = {
    "toan_trinh": "Toàn trình",
    "mot_phan": "Một phần",
    "": "Không cung cấp trực tuyến",
}
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{2,39}$")

#: record keys the catalogue edits; anything else in a record (notes, applicant_form) is kept
RECORD_FIELDS = (
    "code",
    "name",
    "field",
    "field_code",
    "level",
    "implementing_agency",
    "deadline_working_days",
    "deadline_note",
    "channel_deadlines",
    "channels",
    "online_service_level",
    "fees",
    "documents",
    "steps",
    "who_may_apply",
    "conditions",
    "result",
    "legal_basis",
    "valid_from",
    "valid_to",
)


def record_problems(record: dict) -> dict[str, str]:
    """Every problem of a procedure record, keyed by field, in Vietnamese."""
    problems: dict[str, str] = {}
    code = str(record.get("code") or "").strip()
    if not code:
        problems["code"] = "Vui lòng nhập mã thủ tục (ví dụ 1.001612)."
    elif not CODE_PATTERN.match(code):
        problems["code"] = "Mã thủ tục chỉ gồm chữ số, chữ cái, dấu chấm và gạch ngang."
    if not str(record.get("name") or "").strip():
        problems["name"] = "Vui lòng nhập tên thủ tục."
    if record.get("level", "commune") not in LEVELS:
        problems["level"] = "Cấp thực hiện phải là một trong: " + ", ".join(LEVELS.values()) + "."
    channels = record.get("channels") or []
    if not channels:
        problems["channels"] = "Chọn ít nhất một cách thức thực hiện."
    elif any(channel not in CHANNELS for channel in channels):
        problems["channels"] = "Cách thức thực hiện không hợp lệ."
    if record.get("online_service_level", "") not in ONLINE_LEVELS:
        problems["online_service_level"] = (
            "Mức độ dịch vụ công trực tuyến là toàn trình hoặc một phần."
        )
    if not _positive_int(record.get("deadline_working_days")):
        problems["deadline_working_days"] = "Thời hạn giải quyết là số ngày làm việc lớn hơn 0."
    for index, row in enumerate(record.get("channel_deadlines") or []):
        if row.get("channel") not in CHANNELS or not _positive_int(row.get("working_days")):
            problems[f"channel_deadlines.{index}"] = (
                "Thời hạn theo cách thức cần cách thức hợp lệ và số ngày làm việc lớn hơn 0."
            )
    for index, fee in enumerate(record.get("fees") or []):
        if not str(fee.get("name") or "").strip():
            problems[f"fees.{index}.name"] = "Vui lòng nhập tên khoản phí, lệ phí."
        if not isinstance(fee.get("amount"), int) or fee["amount"] < 0:
            problems[f"fees.{index}.amount"] = "Mức thu là số đồng, không âm."
    for index, document in enumerate(record.get("documents") or []):
        if not str(document.get("name") or "").strip():
            problems[f"documents.{index}.name"] = "Vui lòng nhập tên giấy tờ."
        if not isinstance(document.get("copies", 1), int) or document.get("copies", 1) < 1:
            problems[f"documents.{index}.copies"] = "Số lượng bản là số nguyên lớn hơn 0."
    valid_from, valid_to = _date(record.get("valid_from")), _date(record.get("valid_to"))
    if record.get("valid_from") and valid_from is None:
        problems["valid_from"] = "Ngày có hiệu lực phải có dạng YYYY-MM-DD."
    if record.get("valid_to") and valid_to is None:
        problems["valid_to"] = "Ngày hết hiệu lực phải có dạng YYYY-MM-DD."
    if valid_from and valid_to and valid_to < valid_from:
        problems["valid_to"] = "Ngày hết hiệu lực phải sau ngày có hiệu lực."
    return problems


def create_procedure(
    session: Session, actor: Actor, record: dict, *, agency_id: int | None
) -> Procedure:
    """Declare a new procedure; it has no workflow until a package is published for it."""
    require_admin_of(session, actor, agency_id)
    _check(record)
    if session.scalar(select(Procedure.id).where(Procedure.code == record["code"])):
        raise Conflict(f"Mã thủ tục {record['code']} đã có trong danh mục.")
    procedure = Procedure(code=record["code"], agency_id=agency_id, record={})
    session.add(procedure)
    _apply(procedure, record)
    session.flush()
    record_admin_change(session, actor, "procedure_created", f"procedure:{procedure.code}")
    return procedure


def update_procedure(session: Session, actor: Actor, code: str, record: dict) -> Procedure:
    """Replace the catalogue fields of a procedure's record; the code never changes."""
    procedure = _administered(session, actor, code)
    record = {**record, "code": procedure.code}
    _check(record)
    changed = sorted(key for key in RECORD_FIELDS if procedure.record.get(key) != record.get(key))
    _apply(procedure, record)
    session.flush()
    record_admin_change(
        session, actor, "procedure_updated", f"procedure:{code}", {"fields": changed}
    )
    return procedure


def retire_procedure(
    session: Session, actor: Actor, code: str, *, valid_to: date, reason: str = ""
) -> Procedure:
    """Stop new dossiers from that day on; running dossiers finish on their version."""
    procedure = _administered(session, actor, code)
    procedure.is_active = False
    procedure.record = {**procedure.record, "valid_to": valid_to.isoformat()}
    session.flush()
    record_admin_change(
        session, actor, "procedure_retired", f"procedure:{code}", {"reason": reason}
    )
    return procedure


def restore_procedure(session: Session, actor: Actor, code: str) -> Procedure:
    procedure = _administered(session, actor, code)
    procedure.is_active = True
    procedure.record = {**procedure.record, "valid_to": None}
    session.flush()
    record_admin_change(session, actor, "procedure_restored", f"procedure:{code}")
    return procedure


def list_catalogue(session: Session) -> list[Procedure]:
    """Every procedure, retired ones last."""
    return list(
        session.scalars(select(Procedure).order_by(Procedure.is_active.desc(), Procedure.code))
    )


def catalogue_after(session: Session, after_id: int, count: int) -> list[Procedure]:
    """One page of the whole catalogue by id after `after_id`, retired ones included, with
    their versions (the API's pages; every administrator reads the catalogue)."""
    query = (
        select(Procedure)
        .where(Procedure.id > after_id)
        .options(selectinload(Procedure.versions))
        .order_by(Procedure.id)
        .limit(count)
    )
    return list(session.scalars(query))


def _administered(session: Session, actor: Actor, code: str) -> Procedure:
    procedure = session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    require_admin_of(session, actor, procedure.agency_id)
    return procedure


def _check(record: dict) -> None:
    problems = record_problems(record)
    if problems:
        raise InvalidInput("Bản ghi thủ tục chưa hợp lệ.", field_errors=problems)


def _apply(procedure: Procedure, record: dict) -> None:
    merged = dict(procedure.record or {})
    merged.update({key: record[key] for key in RECORD_FIELDS if key in record})
    procedure.record = merged
    procedure.name = merged["name"]
    procedure.field = merged.get("field", "")
    procedure.level = merged.get("level", "commune")
    procedure.deadline_working_days = int(merged["deadline_working_days"])
    valid_to = _date(merged.get("valid_to"))
    procedure.is_active = valid_to is None or valid_to >= date.today()


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
