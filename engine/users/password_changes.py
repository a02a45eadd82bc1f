"""Changing a password, and resetting a forgotten one with a code sent by e-mail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.lockout import clear_failures
from engine.users.models import User
from engine.users.passwords import hash_password, password_problem, verify_password
from engine.users.verification import RESET_PASSWORD, send_code, use_code


def change_password(
    session: Session, actor: Actor, *, current: str, new: str, new_again: str
) -> User:
    """The signed-in user replaces their password; every other session of theirs ends."""
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    if not verify_password(user.password_hash, current):
        raise InvalidInput(
            "Mật khẩu hiện tại không đúng.", {"current": "Mật khẩu hiện tại không đúng."}
        )
    _set_password(user, new, new_again, same_as_old=current == new)
    session.flush()
    return user


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset code when an account has this address; say nothing either way."""
    address = email.strip().lower()
    user = session.scalars(
        select(User).where(User.email == address, User.is_active.is_(True))
    ).first()
    if user is not None and user.kind != "officer":
        send_code(session, user, RESET_PASSWORD)


def reset_password(
    session: Session, *, email: str, code: str, new: str, new_again: str
) -> tuple[User | None, str | None]:
    """(user, None) when the code was right; (None, reason) otherwise. Commit either way."""
    address = email.strip().lower()
    user = session.scalars(
        select(User).where(User.email == address, User.is_active.is_(True))
    ).first()
    if user is None:
        return None, "Mã không đúng hoặc đã hết hạn."
    if problem := password_problem(
        new, username=user.username, email=user.email, personal=(user.id_number, user.phone)
    ):
        raise InvalidInput(problem, {"new": problem})
    problem = use_code(session, user, RESET_PASSWORD, code)
    if problem:
        return None, problem
    _set_password(user, new, new_again, same_as_old=False)
    # the code reached the inbox: the address is proven, and the lock-out no longer applies
    user.email_verified_at = user.email_verified_at or utcnow()
    clear_failures(user)
    session.flush()
    return user, None


def _set_password(user: User, new: str, new_again: str, *, same_as_old: bool) -> None:
    errors: dict[str, str] = {}
    if problem := password_problem(
        new, username=user.username, email=user.email, personal=(user.id_number, user.phone)
    ):
        errors["new"] = problem
    elif same_as_old:
        errors["new"] = "Mật khẩu mới phải khác mật khẩu hiện tại."
    elif new != new_again:
        errors["new_again"] = "Hai lần nhập mật khẩu mới không khớp."
    if errors:
        raise InvalidInput("Vui lòng sửa các lỗi bên dưới.", errors)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
