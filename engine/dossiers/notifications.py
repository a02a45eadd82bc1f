"""The applicant's in-portal notifications: what the outbox sent about their dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, NotificationRead
from engine.outbox.models import OutboxMessage
from engine.users.actor import Actor

OPERATION = "notify/applicant"
#: template -> what the applicant reads (in the portal list and as the e-mail's first line)
TEMPLATE_TEXTS = {
    "submitted": "Hồ sơ đã được nộp thành công, đang chờ Bộ phận Một cửa tiếp nhận.",
    "received": "Hồ sơ đã được tiếp nhận.",
    "refused": "Hồ sơ không được tiếp nhận.",
    "supplement_requested": "Cơ quan yêu cầu bổ sung hồ sơ.",
    "result_ready": "Đã có kết quả giải quyết hồ sơ.",
    "returned": "Đã trả kết quả hồ sơ.",
    "stopped": "Hồ sơ đã dừng xử lý.",
    "transferred": "Hồ sơ đã được chuyển liên thông đến cơ quan có thẩm quyền.",
    "forwarded": "Hồ sơ đã được chuyển cho cán bộ khác xử lý.",
    "withdrawn": "Hồ sơ đã được rút theo yêu cầu.",
    "returned_to_previous": "Hồ sơ được trả về bước xử lý trước để xem xét lại.",
    "action_undone": "Một thao tác xử lý hồ sơ đã được hoàn tác.",
    "moved_by_admin": "Hồ sơ được chuyển về một bước xử lý trước.",
    "apology_extension": "Cơ quan xin lỗi vì hồ sơ chậm giải quyết và hẹn lại ngày trả kết quả.",
    "payment_received": "Đã nhận đủ phí, lệ phí của hồ sơ; biên lai điện tử có trên trang hồ sơ.",
}
#: template -> the e-mail subject after "Hồ sơ <code>: "
TEMPLATE_SUBJECTS = {
    "submitted": "đã nộp thành công",
    "received": "đã được tiếp nhận",
    "refused": "không được tiếp nhận",
    "supplement_requested": "yêu cầu bổ sung",
    "result_ready": "đã có kết quả",
    "returned": "đã trả kết quả",
    "stopped": "dừng xử lý",
    "transferred": "chuyển liên thông",
    "withdrawn": "đã rút hồ sơ",
    "apology_extension": "thư xin lỗi và hẹn lại ngày trả kết quả",
    "payment_received": "đã thanh toán phí, lệ phí",
}
DEFAULT_TEXT = "Có cập nhật mới về hồ sơ của bạn."
DEFAULT_SUBJECT = "có cập nhật mới"


@dataclass(frozen=True)
class Notification:
    id: int
    dossier_code: str
    text: str
    at: datetime
    is_read: bool


def list_notifications(session: Session, actor: Actor, limit: int = 100) -> list[Notification]:
    if actor.user_id is None:
        return []
    rows = session.execute(
        select(OutboxMessage, Dossier.code, NotificationRead.read_at)
        .join(Dossier, Dossier.id == OutboxMessage.dossier_id)
        .outerjoin(
            NotificationRead,
            (NotificationRead.outbox_message_id == OutboxMessage.id)
            & (NotificationRead.user_id == actor.user_id),
        )
        .where(Dossier.applicant_user_id == actor.user_id, OutboxMessage.operation == OPERATION)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    return [
        Notification(
            id=message.id,
            dossier_code=code,
            text=notification_text(message.payload),
            at=message.created_at,
            is_read=read_at is not None,
        )
        for message, code, read_at in rows
    ]


def notification_text(payload: dict) -> str:
    template = str(payload.get("template", ""))
    return TEMPLATE_TEXTS.get(template, DEFAULT_TEXT)


def notification_subject(payload: dict) -> str:
    template = str(payload.get("template", ""))
    return TEMPLATE_SUBJECTS.get(template, DEFAULT_SUBJECT)


def count_unread(session: Session, actor: Actor) -> int:
    return sum(1 for item in list_notifications(session, actor) if not item.is_read)


def mark_notifications_read(session: Session, actor: Actor) -> int:
    """Mark every listed notification read; returns how many were unread."""
    unread = [item for item in list_notifications(session, actor, limit=500) if not item.is_read]
    for item in unread:
        session.add(NotificationRead(user_id=actor.user_id, outbox_message_id=item.id))
    session.flush()
    return len(unread)
