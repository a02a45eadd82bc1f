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

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.calendar.written_dates import short_date
from engine.dossiers.documents import (
    MISSING_DOCUMENT_KEYS,
    SUPPLEMENT_REASON_KEYS,
    missing_items,
)
from engine.dossiers.models import Dossier
from engine.notifications.preferences import chosen_channels
from engine.notifications.staff_inbox import record_staff_notices
from engine.notifications.templates import RenderedNotice, render, wording_for
from engine.outbox.models import OutboxMessage
from engine.users.mail import compose_email
from engine.users.models import User
from engine.users.officers import officers_holding
from engine.workflow import runtime

APPLICANT_NOTICE = "notify/applicant"
OFFICER_NOTICE = "notify/officer"
LEADER_NOTICE = "notify/leader"
#: the copies of an applicant notice on the channels the citizen chose
ZALO_NOTICE = "zalo/send-template"
SMS_NOTICE = "sms/send"
PAYMENT_COLLECT = "payment/collect"
#: the result documents numbered and signed by the document-management system
DOCUMENT_ISSUE = "qlvb/issue-document"
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
    """The notice's outbox rows, performed by the worker after the step commits."""
    return notice_message(
        session,
        dossier,
        APPLICANT_NOTICE,
        {"template": template, **details},
        idempotency_key or f"{dossier.id}:{template}:{uuid4().hex}",
    )


def status_notice_details(workflow: BpmnWorkflow, status: str) -> dict:
    """What the officer wrote that the applicant's notice must carry: the missing documents and
    the reason of a supplement request, read from the data the applicant's open task inherits."""
    if status != "supplement_requested":
        return {}
    for task in runtime.open_user_tasks(workflow):
        missing = next((task.data[k] for k in MISSING_DOCUMENT_KEYS if task.data.get(k)), None)
        reason = next((task.data[k] for k in SUPPLEMENT_REASON_KEYS if task.data.get(k)), None)
        if missing or reason:
            return {"missing_documents": missing or "", "message": reason or ""}
    return {}


def notice_message(
    session: Session,
    dossier: Dossier,
    operation: str,
    payload: dict,
    idempotency_key: str,
    *,
    spiff_task_id: str | None = None,
) -> OutboxMessage:
    """The outbox row of a connector call about `dossier`, added to the session.

    A notification is addressed first; an applicant's also gets a copy per channel the citizen
    chose (Zalo, SMS), each its own row with its own key, so one channel's outage delays only
    that channel; a staff notice lands in each recipient's in-app list.
    """
    message = OutboxMessage(
        dossier_id=dossier.id,
        operation=operation,
        payload=addressed_payload(session, dossier, operation, payload),
        idempotency_key=idempotency_key,
        spiff_task_id=spiff_task_id,
    )
    session.add(message)
    if operation == APPLICANT_NOTICE:
        for copy in _channel_copies(dossier, message):
            session.add(copy)
    elif operation in DEFAULT_STAFF_ROLE:
        record_staff_notices(session, message)
    return message


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
    if operation == DOCUMENT_ISSUE:
        from engine.document_issues.exchange import issue_payload

        return issue_payload(session, dossier, payload)
    return payload


def _address_applicant(session: Session, dossier: Dossier, payload: dict) -> dict:
    """Worded from the event's template; e-mailed to the dossier's address, else the account's,
    when the citizen keeps e-mail on; nobody: in-portal only."""
    # both read with the step's dossier lock
    user = dossier.applicant
    channels = chosen_channels(user, dossier.applicant_channels)
    address = dossier.applicant_email or (user.email if user else None)
    phone = dossier.applicant_phone or (user.phone if user else None)
    event = str(payload.get("template", ""))
    notice = render(wording_for(session, event), notice_values(dossier, payload))
    return {
        **payload,
        "to": address if channels.email and address else None,
        "subject": notice.subject,
        "body": notice.body,
        "text": notice.short_text,
        "lookup_url": lookup_url(dossier),
        "channels": {
            "zalo": bool(channels.zalo and phone),
            "sms": bool(channels.sms and phone),
        },
        "phone": phone or payload.get("phone"),
        "zns": _zns_copy(notice, dossier, payload),
    }


def notice_values(dossier: Dossier, payload: dict) -> dict[str, str]:
    """The placeholders' values for one dossier (engine/notifications/templates.PLACEHOLDERS)."""
    base = public_base_url()
    has_account = dossier.applicant_user_id is not None
    running = dossier.due_at is not None and dossier.finished_at is None
    missing = payload.get("missing_documents") or ""
    return {
        "ma_ho_so": dossier.code,
        "ten_thu_tuc": dossier.procedure.name,
        "nguoi_nop": dossier.applicant_name or "",
        "co_quan": dossier.agency.name,
        "ngay_hen": short_date(dossier.due_at) if running else "",
        "link_tra_cuu": lookup_url(dossier),
        "link_bien_nhan": f"{base}/ho-so/{dossier.code}/bien-nhan" if has_account else "",
        "link_bien_lai": str(payload.get("receipt_url") or ""),
        "giay_to_bo_sung": "\n".join(f"- {item}" for item in missing_items(missing)),
        "loi_nhan": str(payload.get("message") or "").strip(),
        "link_danh_gia": f"{base}/ho-so/{dossier.code}" if has_account else lookup_url(dossier),
    }


def _zns_copy(notice: RenderedNotice, dossier: Dossier, payload: dict) -> dict:
    """What a ZNS template's parameters receive (unverified: the parameter names are those of
    the template an OA registers at Zalo; ours are the ones README asks it to register)."""
    data = {
        "ma_ho_so": dossier.code,
        "ten_thu_tuc": dossier.procedure.name,
        "nguoi_nop": dossier.applicant_name or "",
        "noi_dung": notice.short_text,
        "link_tra_cuu": lookup_url(dossier),
    }
    return {"template_id": notice.zns_template_id, "template_data": data}


def _channel_copies(dossier: Dossier, message: OutboxMessage) -> list[OutboxMessage]:
    payload = message.payload
    chosen = payload.get("channels") or {}
    base = {
        "dossier_code": dossier.code,
        "event": payload.get("template"),
        "phone": payload["phone"],
    }
    copies = []
    if chosen.get("zalo"):
        copies.append(
            OutboxMessage(
                dossier_id=dossier.id,
                operation=ZALO_NOTICE,
                payload={**base, **payload["zns"]},
                idempotency_key=f"{message.idempotency_key}:zalo",
            )
        )
    if chosen.get("sms"):
        copies.append(
            OutboxMessage(
                dossier_id=dossier.id,
                operation=SMS_NOTICE,
                payload={**base, "text": payload["text"]},
                idempotency_key=f"{message.idempotency_key}:sms",
            )
        )
    return copies


def _address_staff(session: Session, dossier: Dossier, operation: str, payload: dict) -> dict:
    """To the named officer, else everyone holding the role in the agency concerned."""
    users = _staff_recipients(session, dossier, operation, payload)
    text = STAFF_TEMPLATE_TEXTS.get(
        str(payload.get("template")), "Có cập nhật về hồ sơ {code} cần đồng chí quan tâm."
    )
    line = payload.get("message") or text.format(code=dossier.code)
    subject, body = compose_email(
        "staff_notice",
        {
            "code": dossier.code,
            "text": line,
            "procedure_name": dossier.procedure.name,
            "workspace_url": f"{public_base_url()}/can-bo/ho-so/{dossier.code}",
        },
        EMAILS,
    )
    return {
        **payload,
        "recipients": [{"user_id": user.id, "name": user.full_name} for user in users],
        "to": sorted({user.email for user in users if user.email}),
        "text": line,
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
