"""A bearer token becomes the request's Actor, or is refused; each client key's use is audited.

A personal token acts as its owner (the same Actor a session gives, every operation the owner
may do). A client key acts as a system: an officer-like Actor holding the lane roles in the
key's agencies only (and the administrator's role there with an admin scope), so the engine's
ordinary scope rules (dossiers and tasks of those agencies) apply, and only the operations named
by the key's scopes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.api_clients.models import ApiClientKey, PersonalToken
from engine.api_clients.tokens import CLIENT_KEY_KIND, PERSONAL_TOKEN_KIND, secret_hash
from engine.errors import MotcuaError, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor, load_actor
from engine.users.admin_audit import record_admin_change
from engine.users.roles import LANE_ROLES

T = TypeVar("T", ApiClientKey, PersonalToken)

#: scopes of the administration resource (engine.api_clients.scopes)
ADMIN_SCOPE_PREFIX = "admin:"
#: last_used_at is kept to this precision, so a busy client does not update its row every call
LAST_USED_PRECISION = timedelta(minutes=1)

REFUSALS = {
    "unknown": ("Mã truy cập không hợp lệ.", "The access token is not valid."),
    "revoked": ("Mã truy cập đã bị thu hồi.", "The access token was revoked."),
    "expired": ("Mã truy cập đã hết hạn.", "The access token has expired."),
    "inactive": ("Tài khoản của mã truy cập đã bị khóa.", "The token's account is disabled."),
}


class CredentialRefused(MotcuaError):
    """The bearer token is unknown, revoked or expired: the caller must authenticate again."""

    def __init__(self, reason: str, key: ApiClientKey | None = None):
        super().__init__(REFUSALS[reason][0])
        self.reason = reason
        self.english = REFUSALS[reason][1]
        #: the client key presented, when it is one we know (its refusal is audited)
        self.key = key


@dataclass(frozen=True)
class Credential:
    actor: Actor
    #: the operations allowed; None means whatever the actor may do (a personal token)
    scopes: frozenset[str] | None
    #: the row the token was found in: an ApiClientKey or a PersonalToken
    row: ApiClientKey | PersonalToken

    @property
    def key(self) -> ApiClientKey | None:
        """The client key, for a system's call; None for a personal token."""
        return self.row if isinstance(self.row, ApiClientKey) else None

    def allows(self, scope: str | None) -> bool:
        return self.scopes is None or (scope is not None and scope in self.scopes)


def authenticate_bearer(session: Session, token: str, now: datetime | None = None) -> Credential:
    now = now or utcnow()
    token = token.strip()
    if token.startswith(CLIENT_KEY_KIND):
        key = _by_secret(session, ApiClientKey, token)
        _refuse_if_ended(key.revoked_at, key.expires_at, now, key)
        return Credential(client_actor(key), frozenset(key.scopes or ()), key)
    if token.startswith(PERSONAL_TOKEN_KIND):
        personal = _by_secret(session, PersonalToken, token)
        _refuse_if_ended(personal.revoked_at, personal.expires_at, now, None)
        try:
            actor = load_actor(session, personal.user_id)
        except NotFound:
            raise CredentialRefused("inactive") from None
        return Credential(actor, None, personal)
    raise CredentialRefused("unknown")


def _by_secret(session: Session, model: type[T], token: str) -> T:
    found = session.scalar(select(model).where(model.secret_hash == secret_hash(token)))
    if found is None:
        raise CredentialRefused("unknown")
    return found


def client_actor(key: ApiClientKey) -> Actor:
    """The lane roles in the key's agencies; with an `admin:` scope also the administrator's
    role there (the key was issued by an administrator of those agencies)."""
    agencies = frozenset(key.agency_ids or ())
    roles = set(LANE_ROLES)
    if any(scope.startswith(ADMIN_SCOPE_PREFIX) for scope in key.scopes or ()):
        roles.add("admin")
    return Actor(
        user_id=None,
        kind="officer",
        full_name=f"Khóa API {key.prefix} ({key.client_name})",
        roles={role: agencies for role in sorted(roles)},
        api_client_id=key.id,
    )


def record_use(
    session: Session,
    credential: Credential,
    *,
    method: str,
    endpoint: str,
    path: str,
    status: int,
    now: datetime | None = None,
) -> None:
    """After an accepted call: its last-used time, and for a client key an audit entry."""
    now = now or utcnow()
    _touch(credential.row, now)
    if credential.key is not None:
        record_key_use(
            session, credential.key, method=method, endpoint=endpoint, path=path, status=status
        )


def record_key_use(
    session: Session,
    key: ApiClientKey,
    *,
    method: str,
    endpoint: str,
    path: str,
    status: int,
    refusal: str | None = None,
) -> None:
    """One audit entry per call made with a client key, accepted or refused."""
    record_admin_change(
        session,
        client_actor(key),
        "api_key_used",
        f"api_key:{key.prefix}",
        {
            "key_id": key.id,
            "method": method,
            "endpoint": endpoint,
            "path": path[:300],
            "status": status,
            "outcome": refusal or outcome_of(status),
        },
    )


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(
        status, f"error_{status}"
    )


def _refuse_if_ended(
    revoked_at: datetime | None, expires_at: datetime | None, now: datetime, key
) -> None:
    if revoked_at is not None:
        raise CredentialRefused("revoked", key)
    if expires_at is not None and expires_at <= now:
        raise CredentialRefused("expired", key)


def _touch(row: ApiClientKey | PersonalToken, now: datetime) -> None:
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        row.last_used_at = now
