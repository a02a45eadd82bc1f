"""Administrators create, list and revoke other systems' API keys.

An administrator sees and manages the keys whose agencies all lie in the agencies they
administer (their own and every one below), and may give a key only those agencies: the same
reach as the agency and officer pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agency_ids
from engine.api_clients.expiry import expiry_from_text
from engine.api_clients.models import ApiClientKey
from engine.api_clients.scopes import SCOPES
from engine.api_clients.tokens import CLIENT_KEY_KIND, issue_secret
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change


@dataclass(frozen=True)
class NewClientKey:
    client_name: str
    scopes: tuple[str, ...]
    agency_ids: tuple[int, ...]
    #: the last valid day, dd/mm/yyyy; empty for no expiry
    expires_on: str = ""


@dataclass(frozen=True)
class IssuedClientKey:
    key: ApiClientKey
    #: the secret, for the one page that shows it; never stored
    token: str


def create_client_key(
    session: Session, actor: Actor, request: NewClientKey, now: datetime | None = None
) -> IssuedClientKey:
    now = now or utcnow()
    scope = _administered(session, actor)
    errors: dict[str, str] = {}
    name = request.client_name.strip()
    if not name:
        errors["client_name"] = "Nhập tên hệ thống hoặc đơn vị dùng khóa."
    elif len(name) > 200:
        errors["client_name"] = "Tên dài tối đa 200 ký tự."
    scopes = sorted(set(request.scopes))
    if not scopes:
        errors["scopes"] = "Chọn ít nhất một thao tác được phép."
    elif any(code not in SCOPES for code in scopes):
        errors["scopes"] = "Có thao tác không tồn tại."
    agency_ids = sorted(set(request.agency_ids))
    if not agency_ids:
        errors["agency_ids"] = "Chọn ít nhất một đơn vị khóa được thay mặt."
    elif scope is not None and not set(agency_ids) <= scope:
        errors["agency_ids"] = "Chỉ chọn được các đơn vị bạn quản trị."
    expires_at = expiry_from_text(request.expires_on, errors, now)
    if errors:
        raise InvalidInput("Khóa API chưa hợp lệ.", errors)
    secret = issue_secret(CLIENT_KEY_KIND)
    key = ApiClientKey(
        client_name=name,
        prefix=secret.prefix,
        secret_hash=secret.secret_hash,
        scopes=scopes,
        agency_ids=agency_ids,
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    record_admin_change(
        session,
        actor,
        "api_key_created",
        f"api_key:{key.prefix}",
        {
            "key_id": key.id,
            "client_name": name,
            "scopes": scopes,
            "agencies": agency_codes(session, agency_ids),
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return IssuedClientKey(key, secret.token)


def revoke_client_key(
    session: Session, actor: Actor, key_id: int, now: datetime | None = None
) -> ApiClientKey:
    key = get_client_key(session, actor, key_id)
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()
        key.revoked_by_id = actor.user_id
        session.flush()
        record_admin_change(
            session,
            actor,
            "api_key_revoked",
            f"api_key:{key.prefix}",
            {"key_id": key.id, "client_name": key.client_name},
        )
    return key


def get_client_key(session: Session, actor: Actor, key_id: int) -> ApiClientKey:
    """The key if the actor administers all its agencies; NotFound otherwise."""
    scope = _administered(session, actor)
    key = session.get(ApiClientKey, key_id)
    if key is None or not _within(key, scope):
        raise NotFound("Không tìm thấy khóa API.")
    return key


def list_client_keys(session: Session, actor: Actor) -> list[ApiClientKey]:
    """The keys the actor manages, newest first, revoked ones included."""
    scope = _administered(session, actor)
    keys = session.scalars(select(ApiClientKey).order_by(ApiClientKey.id.desc()))
    return [key for key in keys if _within(key, scope)]


def key_audit_targets(session: Session, agency_ids: set[int]) -> list[str]:
    """The audit targets (`api_key:<prefix>`) of the keys acting only for these agencies, so
    that their administrators and auditors read each key's uses."""
    keys = session.execute(select(ApiClientKey.prefix, ApiClientKey.agency_ids)).all()
    return [f"api_key:{prefix}" for prefix, ids in keys if set(ids or ()) <= agency_ids]


def agency_codes(session: Session, agency_ids: Iterable[int]) -> list[str]:
    ids = list(agency_ids)
    if not ids:
        return []
    return list(
        session.scalars(select(Agency.code).where(Agency.id.in_(ids)).order_by(Agency.code))
    )


def _administered(session: Session, actor: Actor) -> set[int] | None:
    scope = administered_agency_ids(session, actor)
    if scope is not None and not scope:
        raise Forbidden("Chỉ quản trị hệ thống được quản lý khóa API.")
    return scope


def _within(key: ApiClientKey, scope: set[int] | None) -> bool:
    return scope is None or set(key.agency_ids or ()) <= scope
