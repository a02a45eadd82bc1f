"""A signed-in person's own access tokens: made and revoked on their account page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.api_clients.expiry import expiry_from_text
from engine.api_clients.models import PersonalToken
from engine.api_clients.tokens import PERSONAL_TOKEN_KIND, issue_secret
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

#: active tokens one person may hold; a script each, not one per call
MAX_ACTIVE_TOKENS = 10


def create_personal_token(
    session: Session, actor: Actor, *, name: str, expires_on: str = "", now: datetime | None = None
) -> tuple[PersonalToken, str]:
    """The new token and its secret (shown once)."""
    now = now or utcnow()
    _require_person(actor)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Đặt tên để nhận ra mã truy cập (ví dụ: máy tính ở nhà)."
    elif len(name) > 200:
        errors["name"] = "Tên dài tối đa 200 ký tự."
    expires_at = expiry_from_text(expires_on, errors, now)
    if _active_count(session, actor.user_id, now) >= MAX_ACTIVE_TOKENS:
        errors["name"] = f"Mỗi tài khoản có tối đa {MAX_ACTIVE_TOKENS} mã đang dùng; thu hồi bớt."
    if errors:
        raise InvalidInput("Mã truy cập chưa hợp lệ.", errors)
    secret = issue_secret(PERSONAL_TOKEN_KIND)
    token = PersonalToken(
        user_id=actor.user_id,
        name=name,
        prefix=secret.prefix,
        secret_hash=secret.secret_hash,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    record_admin_change(
        session,
        actor,
        "personal_token_created",
        f"personal_token:{token.prefix}",
        {"token_id": token.id, "name": name},
    )
    return token, secret.token


def revoke_personal_token(
    session: Session, actor: Actor, token_id: int, now: datetime | None = None
) -> PersonalToken:
    _require_person(actor)
    token = session.get(PersonalToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound("Không tìm thấy mã truy cập.")
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()
        record_admin_change(
            session,
            actor,
            "personal_token_revoked",
            f"personal_token:{token.prefix}",
            {"token_id": token.id, "name": token.name},
        )
    return token


def list_personal_tokens(session: Session, actor: Actor) -> list[PersonalToken]:
    _require_person(actor)
    return list(
        session.scalars(
            select(PersonalToken)
            .where(PersonalToken.user_id == actor.user_id)
            .order_by(PersonalToken.id.desc())
        )
    )


def _active_count(session: Session, user_id: int, now: datetime) -> int:
    return session.scalar(
        select(func.count(PersonalToken.id)).where(
            PersonalToken.user_id == user_id,
            PersonalToken.revoked_at.is_(None),
            (PersonalToken.expires_at.is_(None)) | (PersonalToken.expires_at > now),
        )
    )


def _require_person(actor: Actor) -> None:
    if actor.user_id is None:
        raise Forbidden("Vui lòng đăng nhập.")
