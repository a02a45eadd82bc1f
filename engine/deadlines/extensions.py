"""Extending a dossier's due time (gia hạn) and owing the applicant an apology (Mẫu 04).

When a dossier will be late, the agency sends the applicant a letter of apology with a new
appointment (Phiếu xin lỗi và hẹn lại ngày trả kết quả, Mẫu 04 of Circular 01/2018/TT-VPCP)
no later than one working day before the due time. Approving the extension here is that
decision: the due time moves, the change is recorded, and the letter leaves through the outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.deadlines import TargetDuration
from engine.calendar.working_days import WorkingCalendar, calendar_from_session
from engine.deadlines.models import DeadlineExtension
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.step import lock_dossier
from engine.errors import Forbidden, InvalidInput
from engine.tasks.models import OPEN, Task
from engine.timestamps import LOCAL_TZ, utcnow
from engine.users.actor import Actor

APPROVING_ROLES = ("leader", "agency_leader")
#: the form the apology follows; a new circular changes this line, not the code
APOLOGY_FORM = "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả (Thông tư 01/2018/TT-VPCP)"


def extend_deadline(
    session: Session,
    actor: Actor,
    dossier_id: int,
    *,
    reason: str,
    working_days: int | None = None,
    new_due_at: datetime | None = None,
) -> DeadlineExtension:
    """Move an in-progress dossier's due time later, record it, and queue the apology."""
    dossier = lock_dossier(session, dossier_id)
    if not any(actor.has_role(role, dossier.agency_id) for role in APPROVING_ROLES):
        raise Forbidden("Chỉ lãnh đạo cơ quan giải quyết mới được gia hạn hồ sơ.")
    if dossier.received_at is None or dossier.finished_at is not None or dossier.due_at is None:
        raise InvalidInput("Chỉ gia hạn được hồ sơ đang giải quyết.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Thiếu lý do gia hạn.", {"reason": "Vui lòng nêu lý do chậm trễ."})
    calendar = calendar_from_session(session, dossier.agency_id)
    if working_days is not None:
        if working_days < 1:
            raise InvalidInput("Số ngày gia hạn phải từ 1 ngày làm việc trở lên.")
        new_due_at = _working_days_later(calendar, dossier.due_at, working_days)
    if new_due_at is None or new_due_at <= dossier.due_at:
        raise InvalidInput(
            "Ngày hẹn trả mới phải sau hạn giải quyết hiện tại.",
            {"new_due_at": "Ngày hẹn mới phải sau hạn hiện tại."},
        )
    now = utcnow()
    extension = DeadlineExtension(
        dossier_id=dossier.id,
        old_due_at=dossier.due_at,
        new_due_at=new_due_at,
        reason=reason,
        approved_by_id=actor.user_id,
        approved_by_name=actor.full_name,
        approved_at=now,
        notice_working_days=round(calendar.working_days_between(now, dossier.due_at), 2),
    )
    session.add(extension)
    _move_open_tasks(session, dossier, new_due_at)
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            actor_id=actor.user_id,
            actor_name=actor.full_name,
            action="deadline_extended",
            from_status=dossier.status,
            to_status=dossier.status,
            note=f"Gia hạn đến {_local(new_due_at)}: {reason}",
            at=now,
        )
    )
    dossier.due_at = new_due_at
    session.flush()
    queue_applicant_notice(
        session,
        dossier,
        "apology_extension",
        idempotency_key=f"deadline:extension:{extension.id}:apology",
        form=APOLOGY_FORM,
        old_due_at=extension.old_due_at.isoformat(),
        new_due_at=new_due_at.isoformat(),
        message=(
            f"Cơ quan giải quyết xin lỗi ông/bà vì hồ sơ {dossier.code} chưa giải quyết "
            f"được đúng hạn. Lý do: {reason}. Ngày hẹn trả kết quả mới: "
            f"{_local(new_due_at)}."
        ),
    )
    session.flush()
    return extension


def list_extensions(session: Session, dossier_id: int) -> list[DeadlineExtension]:
    return list(
        session.scalars(
            select(DeadlineExtension)
            .where(DeadlineExtension.dossier_id == dossier_id)
            .order_by(DeadlineExtension.approved_at)
        )
    )


def _move_open_tasks(session: Session, dossier: Dossier, new_due_at: datetime) -> None:
    """Tasks that carried the dossier's due time as their target carry the new one."""
    for task in session.scalars(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == OPEN)
    ):
        if task.due_at == dossier.due_at:
            task.due_at = new_due_at


def _working_days_later(calendar: WorkingCalendar, due: datetime, days: int) -> datetime:
    """The same time of day `days` working days later: a 17:00 due time stays 17:00, as the
    apology letter should read (the calendar's `target_at` would say 07:30 the day after)."""
    local = due.astimezone(calendar.timezone)
    if not calendar.is_working_day(local.date()):
        return calendar.target_at(due, TargetDuration(days=days))
    day = calendar.add_working_days(local.date(), days)
    return datetime.combine(day, local.time(), tzinfo=calendar.timezone).astimezone(UTC)


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M ngày %d/%m/%Y")
