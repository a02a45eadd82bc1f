"""Pushing dossiers to the national portal: the records it receives, queued by the step.

Every step of a dossier (engine/dossiers/step.py) calls `queue_portal_sync` once, after writing
its history line: a new dossier or a status change queues DongBoHoSoMC (the dossier's fields
and national status code), every step after submission queues CapNhatTienDoHoSoMC (who did it,
in which role and unit, when, what, the status, when the step started and its legal end).

The rows carry the ordering key `national_portal:<dossier id>`, so the outbox sends one
dossier's updates in the order the steps happened and retries each until the portal accepts
it, while other dossiers go on (engine/outbox/dispatch.py). The payload is built here, in the
step's transaction: the portal receives what the dossier was at that step, not what it is when
the worker gets round to it. Nothing is queued while the `sync` setting is off.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.national_portal import SYNC_DOSSIER_OPERATION, SYNC_PROGRESS_OPERATION
from connectors.national_portal.client import SETTINGS_PROVIDER, portal_settings
from engine.agencies.models import Agency
from engine.connector_settings.settings import provider_settings
from engine.dossiers.models import Dossier, DossierEvent
from engine.national_portal.models import PortalDossier
from engine.outbox.models import OutboxMessage
from engine.tasks.models import Task
from engine.timestamps import LOCAL_TZ
from engine.users.roles import ROLES

#: yyyyMMddHHmmss in Vietnam's time, as the portal writes its dates
PORTAL_TIME = "%Y%m%d%H%M%S"
#: what a step that completed no task did, as the portal's NoiDungXuLy
ACTION_TEXTS = {
    "timer_fired": "Hết thời hạn chờ theo quy trình",
    "service_completed": "Kết quả từ hệ thống kết nối",
    "service_refused": "Hệ thống kết nối từ chối yêu cầu",
    "withdrawn": "Công dân rút hồ sơ",
    "returned_to_previous": "Trả lại bước trước",
    "undone": "Hoàn tác bước xử lý",
    "moved_by_admin": "Quản trị điều chỉnh bước xử lý",
    "payment_received": "Đã nhận thanh toán phí, lệ phí",
}
SYSTEM_ROLE = "Hệ thống"
#: LoaiDoiTuong: 1 citizen, 2 organisation
APPLICANT_KINDS = {"organisation": 2}


def ordering_key(dossier_id: int) -> str:
    return f"national_portal:{dossier_id}"


def sync_enabled(session: Session) -> bool:
    """The administrator turned sync on (`sync` = 1 on Quản trị › Kết nối, or the environment)."""
    return portal_settings(provider_settings(session, SETTINGS_PROVIDER)).sync


def queue_portal_sync(
    session: Session,
    dossier: Dossier,
    event: DossierEvent,
    *,
    status_changed: bool,
    task_id: int | None = None,
) -> None:
    """Queue what the portal must learn of this step; `event` is the step's flushed history
    line, `task_id` the task it completed, if any."""
    if not sync_enabled(session):
        return
    if event.action == "submitted" or status_changed:
        _queue(session, dossier, event, SYNC_DOSSIER_OPERATION, dossier_record(session, dossier))
    if event.action != "submitted":
        task = session.get(Task, task_id) if task_id is not None else None
        entry = progress_entry(session, dossier, event, task)
        _queue(session, dossier, event, SYNC_PROGRESS_OPERATION, entry)


def portal_code(session: Session, dossier: Dossier) -> str:
    """The dossier's MaHoSo on the portal: the portal's own code for a dossier submitted there."""
    code = session.scalar(
        select(PortalDossier.portal_code).where(PortalDossier.dossier_id == dossier.id)
    )
    return code or dossier.code


def dossier_record(session: Session, dossier: Dossier) -> dict:
    """The DongBoHoSoMC record of the dossier as it is now."""
    procedure = dossier.procedure
    return {
        "MaHoSo": portal_code(session, dossier),
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": (procedure.record or {}).get("field_code", ""),
        "TenLinhVuc": procedure.field,
        "KenhThucHien": dossier.channel,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": 1,
        "MaDoiTuong": dossier.applicant_id_number or "",
        "SoDienThoai": dossier.applicant_phone or "",
        "Email": dossier.applicant_email or "",
        "TrichYeuHoSo": f"{procedure.name} — {dossier.applicant_name}",
        "NgayNopHoSo": portal_time(dossier.created_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "TrangThaiHoSo": dossier.national_status,
        "NgayKetThucXuLy": portal_time(dossier.finished_at),
        "NgayTra": portal_time(dossier.returned_at),
        "MaDonViXuLy": dossier.agency.code,
        "DonViXuLy": dossier.agency.name,
    }


def progress_entry(
    session: Session, dossier: Dossier, event: DossierEvent, task: Task | None
) -> dict:
    """The CapNhatTienDoHoSoMC entry of one step."""
    unit = session.get(Agency, task.agency_id) if task and task.agency_id else dossier.agency
    content = event.task_title or ACTION_TEXTS.get(event.action, "Cập nhật hồ sơ")
    if event.note:
        content = f"{content}: {event.note}"
    started = task.created_at if task else _previous_event_at(session, event)
    legal_end = (task.due_at if task else None) or dossier.due_at
    return {
        "MaHoSo": portal_code(session, dossier),
        "NguoiXuLy": event.actor_name,
        "ChucDanh": ROLES.get(task.role, task.role) if task else SYSTEM_ROLE,
        "ThoiDiemXuLy": portal_time(event.at),
        "PhongBanXuLy": unit.name,
        "NoiDungXuLy": content,
        "TrangThai": dossier.national_status,
        "NgayBatDau": portal_time(started),
        "NgayKetThucTheoQuyDinh": portal_time(legal_end),
    }


def portal_time(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime(PORTAL_TIME) if moment else ""


def _previous_event_at(session: Session, event: DossierEvent) -> datetime | None:
    return session.scalar(
        select(DossierEvent.at)
        .where(DossierEvent.dossier_id == event.dossier_id, DossierEvent.id < event.id)
        .order_by(DossierEvent.id.desc())
        .limit(1)
    )


def _queue(
    session: Session, dossier: Dossier, event: DossierEvent, operation: str, payload: dict
) -> None:
    session.add(
        OutboxMessage(
            dossier_id=dossier.id,
            operation=operation,
            payload=payload,
            idempotency_key=f"{dossier.id}:{event.id}:{operation}",
            ordering_key=ordering_key(dossier.id),
        )
    )
