"""Officer administration within scope: who an administrator sees and may change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.agencies.administration import update_agency
from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.users.actor import SYSTEM
from engine.users.models import RoleAssignment, User
from engine.users.officers import (
    OfficerDetails,
    OfficerFilter,
    create_officer,
    get_officer,
    list_officers,
    reactivate_user,
    revoke_role,
    update_officer,
)


def ids(session_factory, model, column, value) -> int:
    with session_factory() as session:
        return session.scalar(select(model.id).where(column == value))


def test_an_officer_of_two_wards_is_changed_only_by_an_admin_of_both(demo, session_factory):
    partner = ids(session_factory, Agency, Agency.code, PARTNER_WARD_CODE)
    thuly = ids(session_factory, User, User.username, "thuly")
    with session_factory() as session, transaction(session):
        session.add(RoleAssignment(user_id=thuly, role="processing", agency_id=partner))
    admin = demo.actor("quantri")  # administers the ward only
    with session_factory() as session:
        assert get_officer(session, admin, thuly).username == "thuly"  # visible: a role here
        with pytest.raises(Forbidden):
            update_officer(session, admin, thuly, OfficerDetails(full_name="Lê Văn C"))
        partner_role = session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == thuly, RoleAssignment.agency_id == partner
            )
        )
        with pytest.raises(Forbidden):
            revoke_role(session, admin, thuly, partner_role)
    with session_factory() as session, transaction(session):
        update_officer(session, SYSTEM, thuly, OfficerDetails(full_name="Lê Văn Cường Hai"))
    with session_factory() as session:
        assert session.get(User, thuly).full_name == "Lê Văn Cường Hai"


def test_list_is_scoped_and_filtered(demo, session_factory):
    admin = demo.actor("quantri")
    stranger = ids(session_factory, User, User.username, "thulycn")
    with session_factory() as session:
        names = {u.username for u in list_officers(session, admin, OfficerFilter())}
        assert names == {"motcua", "thuly", "lanhdao", "quantri", "thuly2"}
        leaders = list_officers(session, admin, OfficerFilter(role="agency_leader"))
        assert [u.username for u in leaders] == ["lanhdao"]
        everyone = {u.username for u in list_officers(session, SYSTEM, OfficerFilter())}
        assert "thulycn" in everyone and "congdan" not in everyone
        with pytest.raises(NotFound):
            get_officer(session, admin, stranger)


def test_create_checks_every_field_at_once(demo, session_factory):
    ward = ids(session_factory, Agency, Agency.code, WARD_CODE)
    with pytest.raises(InvalidInput) as error, session_factory() as session:
        create_officer(
            session,
            demo.actor("quantri"),
            "Thu Ly",
            OfficerDetails(full_name="", email="sai", password="abc"),
            role="boss",
            agency_id=ward,
        )
    assert set(error.value.field_errors) == {"username", "full_name", "email", "password", "role"}
    with pytest.raises(InvalidInput) as error, session_factory() as session:
        create_officer(
            session,
            demo.actor("quantri"),
            "thuly",
            OfficerDetails(full_name="Lê Văn Cường", password="matkhau2026"),
            role="processing",
            agency_id=ward,
        )
    assert error.value.field_errors == {"username": "Tên đăng nhập thuly đã được dùng."}


def test_reactivate_only_a_deactivated_officer(demo, session_factory):
    thuly = ids(session_factory, User, User.username, "thuly")
    with pytest.raises(Conflict), session_factory() as session:
        reactivate_user(session, demo.actor("quantri"), thuly)


def test_a_ward_admin_cannot_move_the_ward_under_another_unit(demo, session_factory):
    ward = ids(session_factory, Agency, Agency.code, WARD_CODE)
    partner = ids(session_factory, Agency, Agency.code, PARTNER_WARD_CODE)
    with pytest.raises(Forbidden), session_factory() as session:
        update_agency(
            session,
            demo.actor("quantri"),
            ward,
            code=WARD_CODE,
            name="UBND phường Phú Cường",
            level="commune",
            parent_id=partner,
        )
