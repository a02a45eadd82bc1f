"""The administrator's overrides of the national calendar: add an extra day off or a make-up
working day, remove one.

Overrides are one calendar for the whole deployment (a `CalendarOverride` names no agency), so
only an administrator of a top-level agency may change them (`is_root_administrator`); every
other administrator reads them.

No override may be added or removed for a day before today (Vietnam time). Due times are
stored when a dossier is received and the statistics classify finished dossiers against them;
changing a past day would make the calendar disagree with what was printed on receipts and
counted in reports. Today stays editable: the Government's announcements can come on the day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.tree import is_root_administrator
from engine.calendar.models import CalendarOverride, OverrideKind
from engine.calendar.working_days import WorkingCalendar
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.timestamps import LOCAL_TZ, utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

KIND_LABELS = {
    OverrideKind.DAY_OFF: "Ngày nghỉ thêm",
    OverrideKind.WORKING_DAY: "Ngày làm bù",
}
REASON_MAX_LENGTH = 500


def list_overrides(session: Session, year: int | None = None) -> list[CalendarOverride]:
    """The overrides in day order, of one year when `year` is given."""
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(
            CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))


def may_edit_calendar(session: Session, actor: Actor) -> bool:
    return is_root_administrator(session, actor)


def add_override(
    session: Session,
    actor: Actor,
    *,
    day: str,
    kind: str,
    reason: str,
    today: date | None = None,
) -> CalendarOverride:
    """Store one override after checking it; `day` is written dd/mm/yyyy."""
    _require_editor(session, actor)
    today = today or _today()
    errors: dict[str, str] = {}
    parsed = parse_day(day, errors)
    reason = (reason or "").strip()
    if kind not in (OverrideKind.DAY_OFF, OverrideKind.WORKING_DAY):
        errors["kind"] = "Chọn loại: ngày nghỉ thêm hoặc ngày làm bù."
    if not reason:
        errors["reason"] = "Nhập lý do (ví dụ số văn bản thông báo)."
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"Lý do dài tối đa {REASON_MAX_LENGTH} ký tự."
    if parsed is not None and "day" not in errors:
        if parsed < today:
            errors["day"] = "Không thêm điều chỉnh cho ngày đã qua."
        elif session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == parsed)):
            errors["day"] = f"Ngày {parsed:%d/%m/%Y} đã có điều chỉnh; xóa điều chỉnh cũ trước."
        elif "kind" not in errors:
            national = WorkingCalendar().is_working_day(parsed)
            if kind == OverrideKind.DAY_OFF and not national:
                errors["day"] = f"Ngày {parsed:%d/%m/%Y} vốn đã là ngày nghỉ."
            if kind == OverrideKind.WORKING_DAY and national:
                errors["day"] = f"Ngày {parsed:%d/%m/%Y} vốn đã là ngày làm việc."
    if errors:
        raise InvalidInput("Điều chỉnh lịch chưa hợp lệ.", errors)
    override = CalendarOverride(day=parsed, kind=str(kind), reason=reason, created_at=utcnow())
    session.add(override)
    record_admin_change(
        session,
        actor,
        "calendar_override_added",
        f"calendar:{parsed.isoformat()}",
        {"kind": str(kind), "reason": reason},
    )
    session.flush()
    return override


def remove_override(
    session: Session, actor: Actor, override_id: int, *, today: date | None = None
) -> None:
    _require_editor(session, actor)
    override = session.get(CalendarOverride, override_id)
    if override is None:
        raise NotFound("Không tìm thấy điều chỉnh lịch.")
    if override.day < (today or _today()):
        raise InvalidInput("Không xóa điều chỉnh của ngày đã qua: hạn đã tính theo ngày đó.")
    record_admin_change(
        session,
        actor,
        "calendar_override_removed",
        f"calendar:{override.day.isoformat()}",
        {"kind": override.kind, "reason": override.reason},
    )
    session.delete(override)
    session.flush()


def parse_day(text: str, errors: dict[str, str], field: str = "day") -> date | None:
    """A day written dd/mm/yyyy; records a Vietnamese message in `errors` when it is not one."""
    text = (text or "").strip()
    if not text:
        errors[field] = "Nhập ngày theo dạng dd/mm/yyyy."
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        errors[field] = f"„{text}” không phải ngày hợp lệ; nhập theo dạng dd/mm/yyyy."
        return None


def _require_editor(session: Session, actor: Actor) -> None:
    if not may_edit_calendar(session, actor):
        raise Forbidden("Chỉ quản trị của đơn vị cấp cao nhất được điều chỉnh lịch làm việc.")


def _today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()
