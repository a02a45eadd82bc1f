"""The administrators' audit trail: every change to procedures, agencies, people and calendar.

Dossier changes have their own history (DossierEvent); this table covers what is not a dossier.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow
from engine.users.actor import Actor
from engine.users.audit_chain import link, lock_head


class AdminAuditEntry(Base):
    __tablename__ = "admin_audit_entries"
    __table_args__ = (Index("ix_admin_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    #: procedure_created / procedure_updated / procedure_retired / user_deactivated ...
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: what was changed: "procedure:1.001612", "user:thuly", "agency:000.00.20.H25"
    target: Mapped[str] = mapped_column(String(255), index=True)
    #: the changed fields, or whatever the action wants to keep
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the hash chain (engine/users/audit_chain.py): the entry before's hash, and this one's
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


#: what the audit log reader sees for each action code (the code stays in the CSV export)
ACTION_LABELS = {
    "agency_created": "Thêm đơn vị",
    "agency_updated": "Sửa đơn vị",
    "agency_retired": "Ngừng hoạt động đơn vị",
    "agency_restored": "Khôi phục đơn vị",
    "units_imported": "Nhập đơn vị hành chính",
    "officer_created": "Thêm cán bộ",
    "officer_updated": "Sửa thông tin cán bộ",
    "role_granted": "Giao vai trò",
    "role_revoked": "Thu hồi vai trò",
    "user_deactivated": "Khóa tài khoản",
    "user_reactivated": "Mở khóa tài khoản",
    "procedure_created": "Khai báo thủ tục",
    "procedure_updated": "Sửa thủ tục",
    "procedure_retired": "Ngừng áp dụng thủ tục",
    "procedure_restored": "Áp dụng lại thủ tục",
    "procedure_units_changed": "Đổi đơn vị tiếp nhận thủ tục",
    "procedure_draft_uploaded": "Tải lên bản nháp quy trình",
    "procedure_draft_discarded": "Hủy bản nháp quy trình",
    "procedure_published": "Xuất bản quy trình",
    "calendar_override_added": "Thêm ngày nghỉ/làm bù",
    "calendar_override_removed": "Xóa ngày nghỉ/làm bù",
    "working_hours_changed": "Đổi giờ làm việc",
    "working_hours_reset": "Dùng giờ làm việc của cấp trên",
    "connector_setting_saved": "Lưu thiết lập kết nối",
    "connector_setting_removed": "Xóa thiết lập kết nối",
    "outbox_retried": "Thử lại tác vụ gửi đi",
    "api_key_created": "Cấp khóa API",
    "api_key_revoked": "Thu hồi khóa API",
    "api_key_used": "Gọi API bằng khóa",
    "personal_token_created": "Tạo mã truy cập cá nhân",
    "personal_token_revoked": "Thu hồi mã truy cập cá nhân",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record_admin_change(
    session: Session, actor: Actor, action: str, target: str, details: dict | None = None
) -> AdminAuditEntry:
    head = lock_head(session)
    entry = AdminAuditEntry(
        actor_id=actor.user_id,
        actor_name=actor.full_name,
        action=action,
        target=target,
        details=details or {},
        at=utcnow(),
    )
    session.add(entry)
    session.flush()
    link(head, entry)
    return entry
