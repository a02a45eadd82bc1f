"""Notifications to applicants and officers.

PLACEHOLDER: delivery (e-mail over SMTP, Zalo, in-portal list) comes with the connectors issue.
Here a notification is recorded as an outbox row and `perform` only marks it handled, returning
`{"delivered": false}` so nobody mistakes it for a sent message.
"""

from __future__ import annotations

from connectors.contract import Operation
from connectors.registry import register


def _record_only(payload: dict, idempotency_key: str) -> dict:
    return {"delivered": False, "reason": "delivery not implemented yet"}


for _name, _label in [
    ("notify/applicant", "Thông báo cho người nộp hồ sơ"),
    ("notify/officer", "Thông báo cho cán bộ xử lý"),
    ("notify/leader", "Thông báo cho lãnh đạo"),
]:
    register(Operation(name=_name, label=_label, waits_for_result=False, perform=_record_only))
