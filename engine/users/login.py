"""Checking a username and password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.users.models import User
from engine.users.passwords import hash_password, verify_password

#: verified against when the user does not exist, so both paths cost one argon2 check
_DUMMY_HASH = hash_password("not-a-real-password")


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None
