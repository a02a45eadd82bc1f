"""Importing the administrative units from the vietnam-provinces package (real data)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from vietnam_provinces import Province, Ward

from engine.agencies.administrative_units import import_units, official_units
from engine.agencies.models import Agency
from engine.db import transaction
from engine.errors import Forbidden
from engine.users.actor import SYSTEM
from engine.users.models import RoleAssignment, User

HO_CHI_MINH = "79"


def communes_of(session, province: Agency) -> list[Agency]:
    return list(session.scalars(select(Agency).where(Agency.parent_id == province.id)))


def province_agency(session, code: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.admin_unit_code == code))


def test_one_province_has_the_packages_communes_and_reimport_changes_nothing(session_factory):
    expected = sum(1 for ward in Ward.iter_all() if int(ward.province_code) == 79)
    with session_factory() as session, transaction(session):
        first = import_units(session, SYSTEM, province_code=HO_CHI_MINH)
    assert first.counts == {"created": expected + 1, "updated": 0, "retired": 0, "unchanged": 0}
    with session_factory() as session:
        province = province_agency(session, HO_CHI_MINH)
        assert province.name == "UBND thành phố Hồ Chí Minh"
        assert province.code == "DVHC.79" and province.level == "province"
        communes = communes_of(session, province)
        assert len(communes) == expected
        saigon = next(c for c in communes if c.name == "UBND phường Sài Gòn")
        assert saigon.code == f"DVHC.79.{saigon.admin_unit_code}"
        assert saigon.level == "commune"
        before = {(a.id, a.code, a.name, a.parent_id, a.is_active) for a in communes}

    with session_factory() as session, transaction(session):
        second = import_units(session, SYSTEM, province_code=HO_CHI_MINH)
    assert second.counts == {"created": 0, "updated": 0, "retired": 0, "unchanged": expected + 1}
    with session_factory() as session:
        after = communes_of(session, province_agency(session, HO_CHI_MINH))
        assert {(a.id, a.code, a.name, a.parent_id, a.is_active) for a in after} == before


def test_a_unit_gone_from_the_data_is_retired_and_kept(session_factory):
    units = official_units("4")  # Cao Bằng, written as an administrator would
    with session_factory() as session, transaction(session):
        import_units(session, SYSTEM, province_code="04", units=units)
    gone = units[-1]
    with session_factory() as session, transaction(session):
        report = import_units(session, SYSTEM, province_code="04", units=units[:-1])
    assert report.counts["retired"] == 1
    with session_factory() as session:
        agency = session.scalar(select(Agency).where(Agency.admin_unit_code == gone.unit_code))
        assert agency is not None and agency.is_active is False
        assert agency.name == gone.agency_name
    # back in the data: active again
    with session_factory() as session, transaction(session):
        report = import_units(session, SYSTEM, province_code="04", units=units)
    assert report.counts["updated"] == 1


def test_an_edited_code_survives_the_next_import(session_factory):
    with session_factory() as session, transaction(session):
        import_units(session, SYSTEM, province_code="04")
        province = province_agency(session, "04")
        province.code = "000.00.00.H11"
    with session_factory() as session, transaction(session):
        report = import_units(session, SYSTEM, province_code="04")
    assert report.counts["created"] == 0
    with session_factory() as session:
        assert province_agency(session, "04").code == "000.00.00.H11"


def test_whole_country(session_factory):
    with session_factory() as session, transaction(session):
        report = import_units(session, SYSTEM)
    assert report.counts["created"] == 34 + 3321
    assert len(list(Province.iter_all())) == 34
    with session_factory() as session:
        count = session.scalar(select(func.count()).select_from(Agency).where(Agency.is_active))
        assert count == 34 + 3321


def test_administrators_import_only_a_province_they_hold(demo, session_factory):
    with pytest.raises(Forbidden), session_factory() as session:
        import_units(session, demo.actor("quantri"), province_code="04")  # not linked
    with pytest.raises(Forbidden), session_factory() as session:
        import_units(session, demo.actor("quantri"))  # the whole country: CLI only
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.code == "000.00.00.H25"))
        province.admin_unit_code = "79"  # Bình Dương is part of Hồ Chí Minh City since 2025
        admin = User(username="qt_tinh", full_name="Quản trị tỉnh", kind="officer")
        admin.roles = [RoleAssignment(role="admin", agency_id=province.id)]
        session.add(admin)
    with pytest.raises(Forbidden), session_factory() as session:
        import_units(session, demo.actor("quantri"), province_code="79")  # a ward's admin
    with session_factory() as session, transaction(session):
        report = import_units(session, demo.actor("qt_tinh"), province_code="79")
    assert report.counts["created"] == sum(
        1 for ward in Ward.iter_all() if int(ward.province_code) == 79
    )
    assert report.counts["updated"] == 1  # the province agency, renamed
