"""Retired units receive nothing new; the ticked units are where a procedure's dossiers go."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.agencies.administration import create_agency, retire_agency
from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.dossiers.models import CHANNEL_COUNTER, Dossier
from engine.dossiers.submission import submit_dossier
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.procedures.catalogue_search import CatalogueQuery, search_procedures
from engine.procedures.models import Procedure
from engine.procedures.receiving_units import (
    procedures_received_at,
    receiving_agencies,
    set_receiving_agencies,
)
from engine.users.actor import SYSTEM
from tests.factories import KHAI_SINH, birth_application, complete, open_task, submit


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def at_counter(session, actor, agency: int) -> Dossier:
    return submit_dossier(
        session, actor, KHAI_SINH, birth_application(), channel=CHANNEL_COUNTER, agency_id=agency
    )


def retire(session_factory, code: str) -> None:
    with session_factory() as session, transaction(session):
        retire_agency(session, SYSTEM, agency_id(session_factory, code), reason="Sáp nhập")


def test_online_submission_to_a_retired_unit_is_refused_in_vietnamese(demo, session_factory):
    old_id, old_code = submit(session_factory, demo.actor("congdan"))
    retire(session_factory, WARD_CODE)
    with pytest.raises(InvalidInput) as error:
        submit(session_factory, demo.actor("congdan"))
    assert error.value.message == (
        "UBND phường Phú Cường đã ngừng hoạt động, không tiếp nhận hồ sơ mới."
    )
    with session_factory() as session:  # the old dossier keeps its unit
        dossier = session.get(Dossier, old_id)
        assert dossier.code == old_code and dossier.agency.code == WARD_CODE


def test_counter_submission_at_a_retired_unit_is_refused(demo, session_factory):
    retire(session_factory, WARD_CODE)
    ward = agency_id(session_factory, WARD_CODE)
    with pytest.raises(InvalidInput) as error, session_factory() as session:
        at_counter(session, demo.actor("motcua"), ward)
    assert "đã ngừng hoạt động" in error.value.message


def test_transfer_to_a_retired_unit_is_refused_on_the_field(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    retire(session_factory, PARTNER_WARD_CODE)
    task = open_task(session_factory, dossier_id, "processing")
    with pytest.raises(InvalidInput) as error:
        complete(
            session_factory,
            demo.actor("thuly"),
            task.id,
            {
                "verification_note": "Thuộc thẩm quyền phường Chánh Nghĩa.",
                "proposal": "transfer",
                "target_agency_code": PARTNER_WARD_CODE,
            },
        )
    assert error.value.field_errors["target_agency_code"] == (
        f"UBND phường Chánh Nghĩa (mã {PARTNER_WARD_CODE}) đã ngừng hoạt động, "
        "không nhận hồ sơ mới."
    )


def test_a_unit_with_active_sub_units_cannot_retire(demo, session_factory):
    province = agency_id(session_factory, "000.00.00.H25")
    with pytest.raises(Conflict), session_factory() as session:
        retire_agency(session, SYSTEM, province)


def test_ticked_units_receive_and_the_citizen_chooses(demo, session_factory):
    ward, partner = (
        agency_id(session_factory, WARD_CODE),
        agency_id(session_factory, PARTNER_WARD_CODE),
    )
    with session_factory() as session, transaction(session):
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {ward, partner})
    with pytest.raises(InvalidInput) as error:
        submit(session_factory, demo.actor("congdan"))
    assert error.value.field_errors == {
        "receiving_agency_id": "Vui lòng chọn cơ quan tiếp nhận hồ sơ."
    }
    dossier_id, code = submit(session_factory, demo.actor("congdan"), agency_id=partner)
    assert code.startswith(PARTNER_WARD_CODE + "-")
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).receiving_agency_id == partner
        assert {p.code for p in search_procedures(session, CatalogueQuery(agency_id=partner))} >= {
            KHAI_SINH
        }

    # only the partner ward now: its counter receives, the home ward's counter does not
    with session_factory() as session, transaction(session):
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {partner})
    with pytest.raises(Forbidden), session_factory() as session:
        at_counter(session, demo.actor("motcua"), ward)
    with session_factory() as session:
        procedure = session.scalar(select(Procedure).where(Procedure.code == KHAI_SINH))
        assert [a.id for a in receiving_agencies(session, procedure)] == [partner]
    # one unit left: no choice to make
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).receiving_agency_id == partner


def test_a_ward_admin_ticks_only_their_own_units(demo, session_factory):
    ward, partner = (
        agency_id(session_factory, WARD_CODE),
        agency_id(session_factory, PARTNER_WARD_CODE),
    )
    with session_factory() as session, transaction(session):
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {partner})
    admin = demo.actor("quantri")
    with pytest.raises(Forbidden), session_factory() as session:
        set_receiving_agencies(session, admin, KHAI_SINH, {partner, ward})
    with session_factory() as session, transaction(session):
        ticked = set_receiving_agencies(session, admin, KHAI_SINH, {ward})
    assert ticked == {ward, partner}  # the partner's tick is not the ward admin's to remove


def test_a_retired_unit_cannot_be_ticked(demo, session_factory):
    with session_factory() as session, transaction(session):
        unit = create_agency(
            session,
            SYSTEM,
            code="000.00.20.H25.TP",
            name="Bộ phận Tư pháp",
            level="department",
            parent_id=agency_id(session_factory, WARD_CODE),
        )
        unit_id = unit.id
    retire(session_factory, "000.00.20.H25.TP")
    with pytest.raises(InvalidInput) as error, session_factory() as session:
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {unit_id})
    assert "Bộ phận Tư pháp" in error.value.field_errors["agency_ids"]


def test_a_counter_lists_only_the_procedures_its_unit_receives(demo, session_factory):
    ward, partner = (
        agency_id(session_factory, WARD_CODE),
        agency_id(session_factory, PARTNER_WARD_CODE),
    )
    with session_factory() as session:
        everything = {p.code for p in procedures_received_at(session, {ward})}
    assert KHAI_SINH in everything
    with session_factory() as session, transaction(session):
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {partner})
    with session_factory() as session:
        at_ward = {p.code for p in procedures_received_at(session, {ward})}
        at_partner = {p.code for p in procedures_received_at(session, {partner})}
    assert at_ward == everything - {KHAI_SINH}
    assert at_partner == everything
