"""A second ward with its own officer, for proving that scope keeps agencies apart."""

from __future__ import annotations

from engine.agencies.models import Agency
from engine.db import transaction
from engine.users.actor import Actor, load_actor
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password

OTHER_WARD = "000.00.21.H25"


def create_other_agency_officer(session_factory, username: str = "motcua_b") -> Actor:
    """An officer holding every officer role, but in UBND phường Chánh Nghĩa only."""
    with session_factory() as session, transaction(session):
        agency = Agency(code=OTHER_WARD, name="UBND phường Chánh Nghĩa", level="commune")
        session.add(agency)
        session.flush()
        user = User(
            username=username,
            full_name="Võ Thị Giang",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        user.roles = [
            RoleAssignment(role=role, agency_id=agency.id)
            for role in ("reception", "processing", "leader")
        ]
        session.add(user)
        session.flush()
        return load_actor(session, user.id)
