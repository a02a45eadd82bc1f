"""Notifications about a dossier, addressed when they are queued.

Every outbox row of a `notify/*` operation is built by `notice_message`, whether an engine action
queues it (`queue_applicant_notice`), a BPMN service task asks for it (the step), or a deadline
sweep does. The worker performs the row later from its payload alone (connectors/notify), so the
recipients and the e-mail's text are resolved here, in the transaction that queues the row: the
address is the one the dossier had when the event happened, and the in-portal list shows exactly
what was sent.
"""

from __future__ import annotations

import os
from pathlib import Path
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.written_dates import short_date
from engine.dossiers.models import Dossier
from engine.dossiers.notifications import notification_subject, notification_text
from engine.outbox.models import OutboxMessage
from engine.users.mail import compose_email
from engine.users.models import User
from engine.users.officers import officers_holding

APPLICANT_NOTICE = "notify/applicant"
OFFICER_NOTICE = "notify/officer"
LEADER_NOTICE = "notify/leader"
PAYMENT_COLLECT = "payment/collect"
#: statuses the applicant is told about whenever a step reaches them (the BPMN need not ask)
STATUS_NOTICES = ("refused", "supplement_requested", "result_ready", "returned")
#: whom a staff notice goes to when its payload names no one
DEFAULT_STAFF_ROLE = {OFFICER_NOTICE: "processing", LEADER_NOTICE: "leader"}
#: what an officer reads for the templates a BPMN names without a `message`
STAFF_TEMPLATE_TEXTS = {
    "processing_overdue": "Hồ sơ {code} đã quá thời hạn thụ lý, đề nghị đôn đốc xử lý.",
    "task_overdue": "Một công việc của hồ sơ {code} đã quá hạn.",
    "task_due_soon": "Một công việc của hồ sơ {code} sắp đến hạn.",
    "dossier_at_risk": "Hồ sơ {code} sắp đến hạn trả kết quả.",
}
EMAILS = Path(__file__).with_name("emails")
PUBLIC_BASE_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """Where citizens reach the portal (MOTCUA_PUBLIC_BASE_URL): links in e-mails and receipts."""
    return os.environ.get("MOTCUA_PUBLIC_BASE_URL", PUBLIC_BASE_URL).rstrip("/")


def lookup_url(dossier: Dossier) -> str:
    return f"{public_base_url()}/tra-cuu?ma={dossier.code}"


def queue_applicant_notice(
    session: Session,
    dossier: Dossier,
    template: str,
    *,
    idempotency_key: str | None = None,
    **details,
) -> OutboxMessage:
    """One outbox row, performed by the worker after the step commits."""
    message = notice_message(
        session,
        dossier,
        APPLICANT_NOTICE,
        {"template": template, **details},
        idempotency_key or f"{dossier.id}:{template}:{uuid4().hex}",
    )
    session.add(message)
    return message


def notice_message(
    session: Session,
    dossier: Dossier,
    operation: str,
    payload: dict,
    idempotency_key: str,
    *,
    spiff_task_id: str | None = None,
) -> OutboxMessage:
    """The (unsaved) outbox row of a connector call about `dossier`; notifications addressed."""
    return OutboxMessage(
        dossier_id=dossier.id,
        operation=operation,
        payload=addressed_payload(session, dossier, operation, payload),
        idempotency_key=idempotency_key,
        spiff_task_id=spiff_task_id,
    )


def addressed_payload(session: Session, dossier: Dossier, operation: str, payload: dict) -> dict:
    """The payload with the dossier code and, for a notification, its recipients and text."""
    payload = {"dossier_code": dossier.code, **payload}
    if operation == APPLICANT_NOTICE:
        return _address_applicant(session, dossier, payload)
    if operation in DEFAULT_STAFF_ROLE:
        return _address_staff(session, dossier, operation, payload)
    if operation == PAYMENT_COLLECT:
        from engine.payments.collection import fee_payload

        return {**payload, **fee_payload(dossier)}
    return payload


def _address_applicant(session: Session, dossier: Dossier, payload: dict) -> dict:
    """To the dossier's e-mail address, else the applicant account's; none: in-portal only."""
    address = dossier.applicant_email
    if not address and dossier.applicant_user_id is not None:
        address = session.scalar(select(User.email).where(User.id == dossier.applicant_user_id))
    facts = [f"Mã hồ sơ: {dossier.code}", f"Thủ tục: {dossier.procedure.name}"]
    if dossier.due_at is not None and dossier.finished_at is None:
        facts.append(f"Ngày hẹn trả kết quả: {short_date(dossier.due_at)}")
    link = lookup_url(dossier)
    subject, body = compose_email(
        "applicant_notice",
        {
            "code": dossier.code,
            "subject": notification_subject(payload),
            "applicant_name": dossier.applicant_name,
            "text": _with_message(notification_text(payload), payload),
            "facts": "\n".join(facts),
            "lookup_url": link,
        },
        EMAILS,
    )
    return {**payload, "to": address or None, "subject": subject, "body": body, "lookup_url": link}


def _address_staff(session: Session, dossier: Dossier, operation: str, payload: dict) -> dict:
    """To the named officer, else everyone holding the role in the agency concerned."""
    users = _staff_recipients(session, dossier, operation, payload)
    text = STAFF_TEMPLATE_TEXTS.get(
        str(payload.get("template")), "Có cập nhật về hồ sơ {code} cần đồng chí quan tâm."
    )
    subject, body = compose_email(
        "staff_notice",
        {
            "code": dossier.code,
            "text": payload.get("message") or text.format(code=dossier.code),
            "procedure_name": dossier.procedure.name,
            "workspace_url": f"{public_base_url()}/can-bo/ho-so/{dossier.code}",
        },
        EMAILS,
    )
    return {
        **payload,
        "recipients": [{"user_id": user.id, "name": user.full_name} for user in users],
        "to": sorted({user.email for user in users if user.email}),
        "subject": subject,
        "body": body,
    }


def _staff_recipients(
    session: Session, dossier: Dossier, operation: str, payload: dict
) -> list[User]:
    if payload.get("recipient_user_id"):
        user = session.get(User, payload["recipient_user_id"])
        return [user] if user is not None and user.is_active else []
    role = payload.get("recipient_role") or DEFAULT_STAFF_ROLE[operation]
    agency_id = payload.get("agency_id") or dossier.agency_id
    return officers_holding(session, role, agency_id)


def _with_message(text: str, payload: dict) -> str:
    message = str(payload.get("message") or "").strip()
    return f"{text}\n\n{message}" if message else text
