"""One-time 6-digit codes sent by e-mail: proving an address, and allowing a password reset."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.timestamps import utcnow
from engine.users.mail import enqueue_email
from engine.users.models import AccountCode, User

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"

CODE_LIFETIME = timedelta(minutes=30)
#: wrong guesses one code survives; a 6-digit code cannot be guessed in five
MAX_CODE_ATTEMPTS = 5
#: a new code for the same purpose is refused this soon after the previous one
RESEND_INTERVAL = timedelta(seconds=60)

_TEMPLATES = {VERIFY_EMAIL: "verify_email", RESET_PASSWORD: "reset_password"}


def _digest(user_id: int, purpose: str, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{purpose}:{code}".encode()).hexdigest()


def send_code(session: Session, user: User, purpose: str, now: datetime | None = None) -> None:
    """Replace any live code for this purpose with a new one and mail it to the user."""
    now = now or utcnow()
    latest = session.scalar(
        select(AccountCode.created_at)
        .where(AccountCode.user_id == user.id, AccountCode.purpose == purpose)
        .order_by(AccountCode.created_at.desc())
        .limit(1)
    )
    if latest is not None and now - latest < RESEND_INTERVAL:
        wait = int((RESEND_INTERVAL - (now - latest)).total_seconds()) + 1
        raise InvalidInput(f"Mã vừa được gửi. Vui lòng chờ {wait} giây rồi yêu cầu mã mới.")
    session.execute(
        update(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose == purpose,
            AccountCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        AccountCode(
            user_id=user.id,
            purpose=purpose,
            code_hash=_digest(user.id, purpose, code),
            expires_at=now + CODE_LIFETIME,
            created_at=now,
        )
    )
    enqueue_email(
        session,
        to=user.email,
        template=_TEMPLATES[purpose],
        values={
            "code": code,
            "full_name": user.full_name,
            "minutes": int(CODE_LIFETIME.total_seconds() // 60),
        },
    )


def use_code(
    session: Session, user: User, purpose: str, code: str, now: datetime | None = None
) -> str | None:
    """Spend the user's live code; None when accepted, else the Vietnamese reason it was not.

    A wrong guess is counted and must be committed, so this returns the problem rather than
    raising (raising would roll the count back and allow unlimited guesses).
    """
    now = now or utcnow()
    live = session.scalar(
        select(AccountCode)
        .where(
            AccountCode.user_id == user.id,
            AccountCode.purpose == purpose,
            AccountCode.used_at.is_(None),
        )
        .order_by(AccountCode.created_at.desc())
        .limit(1)
    )
    if live is None or live.attempts >= MAX_CODE_ATTEMPTS:
        return "Không có mã còn hiệu lực. Vui lòng yêu cầu mã mới."
    if live.expires_at <= now:
        return "Mã đã hết hạn. Vui lòng yêu cầu mã mới."
    cleaned = code.strip().replace(" ", "")
    if not secrets.compare_digest(live.code_hash, _digest(user.id, purpose, cleaned)):
        live.attempts += 1
        session.flush()
        left = MAX_CODE_ATTEMPTS - live.attempts
        if left:
            return f"Mã không đúng. Bạn còn {left} lần thử."
        return "Mã không đúng. Mã này đã bị huỷ, vui lòng yêu cầu mã mới."
    live.used_at = now
    session.flush()
    return None
