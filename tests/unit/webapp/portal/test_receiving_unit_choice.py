"""Ticking the units that receive a procedure; the citizen then picks one when submitting."""

from __future__ import annotations

from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.procedures.models import ProcedureAgency
from engine.procedures.receiving_units import set_receiving_agencies
from engine.users.actor import SYSTEM
from tests.factories import KHAI_SINH, birth_application
from tests.unit.webapp.portal.conftest import SUBMIT_PATH, pdf, signed_in, submit_over_http

UNITS_PAGE = f"/quan-tri/thu-tuc/{KHAI_SINH}/don-vi"


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def test_the_citizen_chooses_among_the_ticked_units(app, demo, session_factory):
    ward = agency_id(session_factory, WARD_CODE)
    partner = agency_id(session_factory, PARTNER_WARD_CODE)
    single = signed_in(app, "congdan").client.get(SUBMIT_PATH).get_data(as_text=True)
    assert 'name="receiving_agency_id"' not in single  # one unit: nothing to choose

    ward_admin = signed_in(app, "quantri")
    assert ward_admin.submit(UNITS_PAGE, {"agency_ids": [str(partner)]}).status_code == 403
    with session_factory() as session, transaction(session):
        set_receiving_agencies(session, SYSTEM, KHAI_SINH, {partner})
    page = ward_admin.client.get(UNITS_PAGE).get_data(as_text=True)
    assert "UBND phường Phú Cường" in page and "UBND phường Chánh Nghĩa" not in page
    assert ward_admin.submit(UNITS_PAGE, {"agency_ids": [str(ward)]}).status_code == 302
    with session_factory() as session:
        assert set(session.scalars(select(ProcedureAgency.agency_id))) == {ward, partner}

    citizen = signed_in(app, "congdan")
    page = citizen.client.get(SUBMIT_PATH).get_data(as_text=True)
    assert 'name="receiving_agency_id"' in page and "UBND phường Chánh Nghĩa" in page
    response = citizen.submit(
        SUBMIT_PATH, {**birth_application(), "doc_giay_chung_sinh": pdf(), "action": "submit"}
    )
    assert response.status_code == 400
    assert "Vui lòng chọn cơ quan tiếp nhận hồ sơ." in response.get_data(as_text=True)
    code = submit_over_http(citizen, receiving_agency_id=str(partner))
    assert code.startswith(PARTNER_WARD_CODE + "-")
