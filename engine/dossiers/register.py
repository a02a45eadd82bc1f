"""Mẫu 06, the register (sổ theo dõi hồ sơ): the dossiers an agency received in a period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine.agencies.models import Agency
from engine.calendar.written_dates import short_date
from engine.dossiers.documents import place_name
from engine.dossiers.models import Dossier
from engine.dossiers.statuses import status_label
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.timestamps import LOCAL_TZ
from engine.users.actor import Actor

TIMING_LABELS = {"early": "Sớm hạn", "on_time": "Đúng hạn", "late": "Trễ hạn"}
#: a register longer than this is printed per shorter period
MAX_PERIOD_DAYS = 366


def register_data(
    session: Session,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    agency_id: int | None = None,
) -> dict:
    """Every dossier received from `date_from` to `date_to` (local days, both included) by the
    officer's agencies, or by one of them, oldest first."""
    if not actor.is_officer:
        raise Forbidden("Chỉ cán bộ được xem sổ theo dõi hồ sơ.")
    if date_to < date_from:
        raise InvalidInput(
            "Khoảng thời gian không hợp lệ.", {"den": "Ngày kết thúc phải sau ngày bắt đầu."}
        )
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("Khoảng thời gian quá dài.", {"den": "Mỗi lần in sổ tối đa 366 ngày."})
    agencies = sorted(actor.agency_ids)
    if agency_id is not None:
        if agency_id not in actor.agency_ids:
            raise NotFound("Không tìm thấy đơn vị.")
        agencies = [agency_id]
    start = datetime.combine(date_from, time.min, LOCAL_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time.min, LOCAL_TZ)
    dossiers = session.scalars(
        select(Dossier)
        .options(joinedload(Dossier.procedure), joinedload(Dossier.agency))
        .where(
            or_(Dossier.receiving_agency_id.in_(agencies), Dossier.agency_id.in_(agencies)),
            Dossier.received_at >= start,
            Dossier.received_at < end,
        )
        .order_by(Dossier.received_at, Dossier.id)
    ).all()
    units = list(session.scalars(select(Agency).where(Agency.id.in_(agencies)).order_by(Agency.id)))
    names = ", ".join(unit.name for unit in units)
    first = units[0] if units else None
    return {
        "agency_name": names,
        "agency_upper": names.upper(),
        "parent_agency_upper": first.parent.name.upper() if first and first.parent else "",
        "place": place_name(first) if first else "",
        "date_from": short_date(date_from),
        "date_to": short_date(date_to),
        "total": len(dossiers),
        "dossiers": [_row(dossier) for dossier in dossiers],
    }


def _row(dossier: Dossier) -> dict:
    address = (dossier.form_data or {}).get("applicant_address")
    contact = "; ".join(part for part in (address, dossier.applicant_phone) if part)
    transferred = dossier.agency_id != dossier.receiving_agency_id
    note = status_label(dossier.status)
    if dossier.timing:
        note = f"{note} ({TIMING_LABELS.get(dossier.timing, dossier.timing)})"
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "count": 1,
        "applicant_name": dossier.applicant_name,
        "contact": contact,
        "agency_name": dossier.agency.name,
        "received": short_date(dossier.received_at),
        "due": short_date(dossier.due_at),
        "transferred": dossier.agency.name if transferred else "",
        "finished": short_date(dossier.finished_at),
        "returned": short_date(dossier.returned_at),
        "note": note,
    }
