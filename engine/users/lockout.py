"""Lock-out after repeated failed sign-ins: per account, plus a throttle per client address.

Five wrong passwords in a row lock the account for 15 minutes (a right one resets the count);
an address with 20 failures in 15 minutes, on any accounts, is refused for the rest of that
window, which stops one client from locking out or guessing many accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.users.models import LoginFailure, User

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
IP_MAX_FAILURES = 20
IP_WINDOW = timedelta(minutes=15)


def lock_message(user: User, now: datetime) -> str | None:
    """Why this account may not sign in now, or None."""
    if user.locked_until is None or user.locked_until <= now:
        return None
    minutes = max(1, int((user.locked_until - now).total_seconds() + 59) // 60)
    return (
        f"Tài khoản tạm khoá do đăng nhập sai quá {MAX_FAILURES} lần. "
        f"Vui lòng thử lại sau {minutes} phút hoặc đặt lại mật khẩu."
    )


def address_throttled(session: Session, ip: str, now: datetime) -> bool:
    count = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.ip == ip, LoginFailure.at > now - IP_WINDOW)
    )
    return count >= IP_MAX_FAILURES


def record_failure(session: Session, user: User | None, ip: str, now: datetime) -> None:
    session.add(LoginFailure(ip=ip, at=now))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - IP_WINDOW))
    if user is not None:
        if user.locked_until is not None and user.locked_until <= now:
            user.failed_logins = 0
            user.locked_until = None
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCK_DURATION
    session.flush()


def clear_failures(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
