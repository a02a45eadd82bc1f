"""Notifications to applicants and officers, delivered by e-mail over SMTP.

The engine addresses each notification when it queues the outbox row (engine/dossiers/notices.py):
the payload carries `to` (one address for the applicant, a list for officers and leaders, empty
when nobody concerned has one), `subject` and `body`. Delivery goes through the same SMTP
transport and settings as `email/send` (connectors/email/client.py). Without an address the
notification stays in-portal only: the applicant's notification list reads the outbox row itself.

At least once: the worker performs a row until its result is recorded, so a worker that dies
between the SMTP exchange and that record sends the message again. Both copies carry the same
Message-ID, made from the row's idempotency key, so a mail client shows one. A row already done is
never performed again (engine/outbox/dispatch.py).

Zalo ZNS (`zalo/send-template`, connectors/zalo/) and SMS (`sms/send`, connectors/sms/) are
operations of their own; choosing them as a notification's channel is not done yet.
"""

from __future__ import annotations

from collections.abc import Mapping

from connectors.contract import Operation
from connectors.email.client import SETTINGS_PROVIDER, send_email, smtp_settings
from connectors.registry import register

NO_ADDRESS = "no e-mail address"
#: what a BPMN may say of a notice; the engine adds the recipients and the text
NOTICE_PARAMETERS = ("template", "message", "recipient_role", "recipient_user_id", "agency_id")


def deliver_notice(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """E-mail the addressed notification, or say it stays in-portal only."""
    to = payload.get("to")
    addresses = [to] if isinstance(to, str) else list(to or [])
    if not addresses:
        return {"delivered": False, "channel": "portal", "reason": NO_ADDRESS}
    sent = send_email(
        {"to": ", ".join(addresses), "subject": payload["subject"], "body": payload["body"]},
        idempotency_key,
        smtp_settings(stored),
    )
    return {"delivered": True, "channel": "email", "to": addresses, **sent}


for _name, _label in [
    ("notify/applicant", "Thông báo cho người nộp hồ sơ"),
    ("notify/officer", "Thông báo cho cán bộ xử lý"),
    ("notify/leader", "Thông báo cho lãnh đạo"),
]:
    register(
        Operation(
            name=_name,
            label=_label,
            waits_for_result=False,
            perform=deliver_notice,
            settings_provider=SETTINGS_PROVIDER,
            parameters=NOTICE_PARAMETERS,
        )
    )
