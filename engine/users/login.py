"""Checking who signs in: by username, e-mail or phone, with lock-out and e-mail verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.timestamps import utcnow
from engine.users.lockout import (
    MAX_FAILURES,
    address_throttled,
    clear_failures,
    lock_message,
    record_failure,
)
from engine.users.models import User
from engine.users.passwords import hash_password, verify_password
from forms.formats import normalize_phone

#: verified against when the user does not exist, so both paths cost one argon2 check
_DUMMY_HASH = hash_password("not-a-real-password")

WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."
THROTTLED = "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau 15 phút."
UNVERIFIED = "Tài khoản chưa xác minh thư điện tử. Vui lòng nhập mã xác minh đã gửi tới bạn."


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to; the caller commits either way (failures are counted)."""

    user: User | None = None
    problem: str | None = None
    #: the password was right but the e-mail is not proven yet: offer the verification page
    unverified_user_id: int | None = None


def find_account(session: Session, identifier: str) -> User | None:
    """The account named by its username, e-mail address or phone number."""
    text = identifier.strip().lower()
    if not text:
        return None
    conditions = [User.username == text, User.email == text]
    phone = normalize_phone(text)
    if phone.isdigit():
        conditions.append(User.phone == phone)
    return session.scalars(select(User).where(or_(*conditions)).order_by(User.id)).first()


def needs_email_verification(user: User) -> bool:
    return user.kind != "officer" and bool(user.email) and user.email_verified_at is None


def sign_in(
    session: Session, identifier: str, password: str, *, ip: str, now: datetime | None = None
) -> SignIn:
    now = now or utcnow()
    if address_throttled(session, ip, now):
        return SignIn(problem=THROTTLED)
    user = find_account(session, identifier)
    if user is not None and not user.is_active:
        user = None
    if user is not None and (locked := lock_message(user, now)):
        verify_password(_DUMMY_HASH, password)
        return SignIn(problem=locked)
    if user is None or not verify_password(user.password_hash, password):
        if user is None:
            verify_password(_DUMMY_HASH, password)
        record_failure(session, user, ip, now)
        if user is not None and (locked := lock_message(user, now)):
            return SignIn(problem=locked)
        if user is not None and user.failed_logins >= MAX_FAILURES - 2:
            left = MAX_FAILURES - user.failed_logins
            return SignIn(problem=f"{WRONG_CREDENTIALS} Còn {left} lần thử trước khi bị khoá.")
        return SignIn(problem=WRONG_CREDENTIALS)
    clear_failures(user)
    session.flush()
    if needs_email_verification(user):
        return SignIn(problem=UNVERIFIED, unverified_user_id=user.id)
    return SignIn(user=user)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Password check only (no lock-out bookkeeping), for callers outside the sign-in page."""
    user = find_account(session, username)
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None
