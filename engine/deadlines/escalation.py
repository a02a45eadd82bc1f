"""The escalation sweep: deadline warnings through the outbox, each sent once.

Three warnings, each keyed by what it is about and the due time it warns of, so a sweep that
runs every few seconds on several workers never sends the same warning twice, and a due time
moved by an extension earns a fresh warning:
- to the officer holding a task (or the task's role in its agency), one working day before the
  task's target: `deadline:task:<id>:<due>:due_soon`;
- to the unit's leaders when a task is overdue: `deadline:task:<id>:<due>:overdue`;
- to the unit's leaders when a dossier is within one working day of its legal due time and not
  finished, so that, if it will be late, they approve an extension and the applicant receives
  the Mẫu 04 apology in time (engine/deadlines/extensions.py):
  `deadline:dossier:<id>:<due>:at_risk`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar.working_days import WorkingCalendar, calendar_from_session
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.notices import addressed_payload
from engine.notifications.staff_inbox import record_staff_notices
from engine.outbox.models import OutboxMessage
from engine.tasks.models import OPEN, Task
from engine.timestamps import LOCAL_TZ, utcnow
from engine.users.roles import APPLICANT_LANE

#: warn this many working days ahead
WARNING_WORKING_DAYS = 1.0
#: calendar days to look ahead for candidates: one working day never spans more than Tết
_LOOKAHEAD = timedelta(days=16)


def sweep_deadline_warnings(session_factory: sessionmaker[Session]) -> int:
    """The worker job: one transaction, returns how many warnings were queued."""
    with session_factory() as session, transaction(session):
        return len(queue_deadline_warnings(session, utcnow()))


def queue_deadline_warnings(session: Session, now: datetime) -> list[OutboxMessage]:
    """Queue every warning due at `now` that was not queued before; flush, never commit."""
    calendars: dict[int | None, WorkingCalendar] = {}

    def calendar_for(agency_id: int | None) -> WorkingCalendar:
        if agency_id not in calendars:
            calendars[agency_id] = calendar_from_session(session, agency_id)
        return calendars[agency_id]

    queued = []
    for task in session.scalars(
        select(Task).where(
            Task.state == OPEN,
            Task.role != APPLICANT_LANE,
            Task.due_at.is_not(None),
            Task.due_at <= now + _LOOKAHEAD,
        )
    ):
        message = _task_warning(task, now, calendar_for(task.agency_id))
        if message is not None and _add_once(session, message):
            queued.append(message)
    for dossier in session.scalars(
        select(Dossier).where(
            Dossier.received_at.is_not(None),
            Dossier.finished_at.is_(None),
            Dossier.paused_at.is_(None),
            Dossier.due_at > now,
            Dossier.due_at <= now + _LOOKAHEAD,
        )
    ):
        message = _dossier_warning(dossier, now, calendar_for(dossier.agency_id))
        if message is not None and _add_once(session, message):
            queued.append(message)
    return queued


def _task_warning(task: Task, now: datetime, calendar: WorkingCalendar) -> OutboxMessage | None:
    due = task.due_at
    base = {
        "dossier_code": task.dossier.code,
        "task_id": task.id,
        "task_title": task.title,
        "agency_id": task.agency_id,
        "due_at": due.isoformat(),
    }
    if due <= now:
        return OutboxMessage(
            dossier_id=task.dossier_id,
            operation="notify/leader",
            payload={
                **base,
                "template": "task_overdue",
                "recipient_role": "leader",
                "message": (
                    f"Công việc “{task.title}” của hồ sơ {task.dossier.code} đã quá hạn "
                    f"({_local(due)})."
                ),
            },
            idempotency_key=f"deadline:task:{task.id}:{_key_time(due)}:overdue",
        )
    if calendar.working_days_between(now, due) <= WARNING_WORKING_DAYS:
        return OutboxMessage(
            dossier_id=task.dossier_id,
            operation="notify/officer",
            payload={
                **base,
                "template": "task_due_soon",
                "recipient_user_id": task.assignee_id,
                "recipient_role": None if task.assignee_id else task.role,
                "message": (
                    f"Công việc “{task.title}” của hồ sơ {task.dossier.code} đến hạn lúc "
                    f"{_local(due)}; còn chưa đến một ngày làm việc."
                ),
            },
            idempotency_key=f"deadline:task:{task.id}:{_key_time(due)}:due_soon",
        )
    return None


def _dossier_warning(
    dossier: Dossier, now: datetime, calendar: WorkingCalendar
) -> OutboxMessage | None:
    if calendar.working_days_between(now, dossier.due_at) > WARNING_WORKING_DAYS:
        return None
    return OutboxMessage(
        dossier_id=dossier.id,
        operation="notify/leader",
        payload={
            "dossier_code": dossier.code,
            "template": "dossier_at_risk",
            "agency_id": dossier.agency_id,
            "recipient_role": "leader",
            "due_at": dossier.due_at.isoformat(),
            "message": (
                f"Hồ sơ {dossier.code} đến hạn trả kết quả lúc {_local(dossier.due_at)}. Nếu "
                "không kịp, đề nghị gia hạn để gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả "
                "(Mẫu 04) cho người nộp trước hạn ít nhất một ngày làm việc."
            ),
        },
        idempotency_key=f"deadline:dossier:{dossier.id}:{_key_time(dossier.due_at)}:at_risk",
    )


def _add_once(session: Session, message: OutboxMessage) -> bool:
    """Insert unless the key exists; a concurrent sweep's insert loses to the unique key."""
    exists = session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.idempotency_key == message.idempotency_key)
    )
    if exists is not None:
        return False
    dossier = session.get(Dossier, message.dossier_id)
    message.payload = addressed_payload(session, dossier, message.operation, message.payload)
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return False
    record_staff_notices(session, message)
    return True


def _key_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%MZ")


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
