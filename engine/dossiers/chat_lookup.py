"""Lookup by chat: someone writes a dossier code to the agency's Zalo OA and is told its status.

The same facts as the public lookup page (`/tra-cuu`, through `lookup_dossier` and
`appointment`), never personal data: holding the code is all it takes. The reply is written
here, in the webhook's transaction, and leaves through the outbox (`zalo/send-message`), so the
webhook answers Zalo at once and a Zalo outage only delays the reply.

Zalo delivers an event again when our answer is slow or lost; the reply's idempotency key is
the message's `msg_id`, so the second delivery finds the row and queues nothing (the outbox key
is unique, which settles two deliveries racing each other too). Each Zalo user has a budget
(10 messages an hour by default): past it, one polite "too many", then silence until the window
ends, so nobody can walk the codes or make the OA spam a chat.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.calendar.written_dates import short_date
from engine.dossiers.notices import lookup_url
from engine.dossiers.public_lookup import appointment, find_dossier_by_code
from engine.dossiers.queries import lookup_dossier
from engine.errors import NotFound
from engine.outbox.models import OutboxMessage
from engine.rate_limits.counters import RateLimit, count_hit

REPLY_OPERATION = "zalo/send-message"
#: messages a Zalo user may send per window before being told to wait
CHAT_LOOKUP_LIMIT = RateLimit("zalo_lookup", 10, 3600)
#: `<agency code>-<YYMMDD>-<NNNN>` anywhere in the message ("Tra cứu 000.00.20.H25-…")
CODE_IN_TEXT = re.compile(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*-\d{6}-\d{4}")
CODE_MAX = 60
EXAMPLE_CODE = "000.00.20.H25-261129-0001"

HOW_TO_WRITE = (
    "Xin chào! Để tra cứu tình trạng hồ sơ, vui lòng gửi mã hồ sơ in trên Giấy tiếp nhận hồ sơ "
    f"và hẹn trả kết quả, ví dụ: {EXAMPLE_CODE}"
)
NOT_FOUND = (
    "Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã in trên Giấy tiếp nhận hồ sơ "
    f"và hẹn trả kết quả (ví dụ: {EXAMPLE_CODE}) rồi gửi lại."
)
TOO_MANY = (
    "Bạn đã gửi quá nhiều yêu cầu tra cứu trong thời gian ngắn. "
    "Vui lòng thử lại sau khoảng {minutes} phút. Xin cảm ơn!"
)


def queue_lookup_reply(
    session: Session,
    *,
    user_id: str,
    msg_id: str,
    text: str,
    rule: RateLimit = CHAT_LOOKUP_LIMIT,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Queue the answer to a Zalo user's message; None when nothing is sent (a message already
    answered, or a user past their budget who was already told so). Flushes, never commits."""
    key = f"zalo-lookup:{msg_id}"[:120]
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return None
    counted = count_hit(session, rule, user_id, now)
    if counted.hits > rule.limit + 1:
        return None
    if counted.hits > rule.limit:
        reply = TOO_MANY.format(minutes=max(1, math.ceil(counted.remaining / 60)))
    else:
        reply = lookup_reply(session, text)
    return _queue_once(session, key, {"user_id": user_id, "text": reply})


def lookup_reply(session: Session, text: str) -> str:
    """The answer to `text`: the dossier's status when it holds a known code, else how to ask."""
    match = CODE_IN_TEXT.search(text or "")
    if match is None:
        return HOW_TO_WRITE
    code = match.group(0)[:CODE_MAX].upper()
    try:
        public = lookup_dossier(session, code)
    except NotFound:
        return NOT_FOUND.format(code=code)
    dossier = find_dossier_by_code(session, code)
    due = appointment(session, dossier)
    lines = [
        f"Hồ sơ {public.code}",
        f"Thủ tục: {public.procedure_name}",
        f"Cơ quan giải quyết: {public.agency_name}",
        f"Trạng thái: {public.status_label}",
        f"Ngày tiếp nhận: {short_date(public.received_at) or 'chưa tiếp nhận'}",
    ]
    if public.returned_at is not None:
        lines.append(f"Ngày trả kết quả: {short_date(public.returned_at)}")
    elif due.at is not None:
        lines.append(
            f"Hẹn trả kết quả: {short_date(due.at)}{' (dự kiến)' if due.estimated else ''}"
        )
    if public.payment_label:
        lines.append(f"Phí, lệ phí: {public.payment_label}")
    lines.append(f"Xem chi tiết: {lookup_url(dossier)}")
    return "\n".join(lines)


def _queue_once(session: Session, key: str, payload: dict) -> OutboxMessage | None:
    """Insert the reply unless a racing delivery of the same message just did."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(OutboxMessage)
        .values(operation=REPLY_OPERATION, payload=payload, idempotency_key=key)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    ).scalar_one_or_none()
    return session.get(OutboxMessage, inserted) if inserted is not None else None
