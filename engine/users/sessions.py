"""When a signed-in session stops being valid: idle too long, open too long, or outdated."""

from __future__ import annotations

from datetime import datetime, timedelta

#: no request for this long ends the session
IDLE_TIMEOUT = timedelta(minutes=30)
#: a session never lasts longer than this, active or not
ABSOLUTE_TIMEOUT = timedelta(hours=8)


def session_end_reason(
    *,
    signed_in_at: datetime,
    last_seen: datetime,
    now: datetime,
    password_changed_at: datetime | None,
    idle: timedelta = IDLE_TIMEOUT,
    absolute: timedelta = ABSOLUTE_TIMEOUT,
) -> str | None:
    """The Vietnamese sentence shown when the session has ended, or None while it is valid."""
    if now - signed_in_at > absolute:
        return "Phiên đăng nhập đã quá thời hạn. Vui lòng đăng nhập lại."
    if now - last_seen > idle:
        return "Phiên đăng nhập đã hết hạn do không hoạt động. Vui lòng đăng nhập lại."
    if password_changed_at is not None and signed_in_at < password_changed_at:
        return "Mật khẩu đã được thay đổi. Vui lòng đăng nhập lại."
    return None
