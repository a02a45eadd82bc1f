"""Who is acting: passed explicitly to every service function, never read from a global."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.users.models import RoleAssignment, User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    kind: str
    full_name: str = ""
    #: role code -> ids of the agencies where the actor holds it
    roles: dict[str, frozenset[int]] = field(default_factory=dict)
    #: set when another system acts through its API key (engine.api_clients); user_id is None
    api_client_id: int | None = None

    @property
    def is_officer(self) -> bool:
        return self.kind == "officer"

    def agencies_for(self, role: str) -> frozenset[int]:
        return self.roles.get(role, frozenset())

    def has_role(self, role: str, agency_id: int) -> bool:
        return agency_id in self.agencies_for(role)

    @property
    def is_signed_in(self) -> bool:
        """A person with an account, or another system with an API key."""
        return self.user_id is not None or self.api_client_id is not None

    @property
    def agency_ids(self) -> frozenset[int]:
        return frozenset().union(*self.roles.values()) if self.roles else frozenset()


#: the actor for work the system does by itself (timers, the worker)
SYSTEM = Actor(user_id=None, kind="system", full_name="Hệ thống")
ANONYMOUS = Actor(user_id=None, kind="anonymous")


def load_actor(session: Session, user_id: int) -> Actor:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound("Không tìm thấy người dùng.")
    rows = session.execute(
        select(RoleAssignment.role, RoleAssignment.agency_id).where(
            RoleAssignment.user_id == user_id
        )
    ).all()
    roles: dict[str, set[int]] = {}
    for role, agency_id in rows:
        roles.setdefault(role, set()).add(agency_id)
    return Actor(
        user_id=user.id,
        kind=user.kind,
        full_name=user.full_name,
        roles={role: frozenset(ids) for role, ids in roles.items()},
    )
