"""Printing over HTTP: officers print a dossier's forms and the register, the applicant the
receipt; nobody else gets them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from engine.agencies.models import Agency
from engine.db import transaction
from engine.timestamps import LOCAL_TZ, utcnow
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password
from tests.conftest import Browser
from tests.documents import decoded_images, pdf_page_sizes_mm, pdf_text
from tests.factories import complete, open_task, submit

FORMS = ["mau-01", "mau-02", "mau-03", "mau-04", "mau-05"]


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


@pytest.fixture
def received(demo, session_factory):
    """Two dossiers of Nguyễn Văn An, received by the ward's one-stop officer."""
    codes = []
    for _ in range(2):
        dossier_id, code = submit(session_factory, demo.actor("congdan"))
        task = open_task(session_factory, dossier_id)
        complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
        codes.append(code)
    return codes


@pytest.fixture
def outsider(session_factory) -> str:
    """A one-stop officer of another ward, who must not see the demo ward's dossiers."""
    with session_factory() as session, transaction(session):
        agency = Agency(code="000.00.21.H25", name="UBND phường Chánh Nghĩa", level="commune")
        session.add(agency)
        session.flush()
        user = User(
            username="motcua_khac",
            full_name="Đỗ Thị Giang",
            kind="officer",
            password_hash=hash_password("motcua2026"),
        )
        user.roles = [RoleAssignment(role="reception", agency_id=agency.id)]
        session.add(user)
    return "motcua_khac"


@pytest.mark.parametrize("form", FORMS)
def test_officer_prints_each_form_with_code_and_applicant(app, received, form):
    code = received[0]
    response = signed_in(app, "motcua").client.get(f"/can-bo/ho-so/{code}/{form}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Nguyễn Văn An" in text
    assert code in text


def test_receipt_qr_code_is_the_public_lookup_url_on_one_a5_sheet(app, received):
    code = received[0]
    response = signed_in(app, "motcua").client.get(f"/can-bo/ho-so/{code}/mau-01.pdf")
    assert pdf_page_sizes_mm(response.data) == [(148, 210)]
    assert decoded_images(response.data) == [f"{app.config['PUBLIC_BASE_URL']}/tra-cuu?ma={code}"]


def test_apology_prints_the_reason_and_new_date_given(app, received):
    code = received[0]
    response = signed_in(app, "motcua").client.get(
        f"/can-bo/ho-so/{code}/mau-04.pdf",
        query_string={"ly_do": "Cần xác minh nơi sinh.", "hen_ngay": "2027-02-05"},
    )
    text = " ".join(pdf_text(response.data).split())
    assert "Cần xác minh nơi sinh." in text
    assert "ngày 05 tháng 02 năm 2027" in text


def test_apology_with_a_malformed_date_is_refused(app, received):
    response = signed_in(app, "motcua").client.get(
        f"/can-bo/ho-so/{received[0]}/mau-04.pdf", query_string={"hen_ngay": "31/02/2027"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("form", FORMS)
def test_officer_of_another_agency_gets_404(app, received, outsider, form):
    response = signed_in(app, outsider).client.get(f"/can-bo/ho-so/{received[0]}/{form}.pdf")
    assert response.status_code == 404
    assert response.mimetype != "application/pdf"


def test_citizen_may_not_use_the_officers_print_route(app, received):
    response = signed_in(app, "congdan").client.get(f"/can-bo/ho-so/{received[0]}/mau-01.pdf")
    assert response.status_code == 403


def test_applicant_prints_own_receipt_from_the_portal(app, received):
    citizen = signed_in(app, "congdan")
    code = received[0]
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert f"/ho-so/{code}/bien-nhan.pdf" in page
    response = citizen.client.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert code in text and "Nguyễn Văn An" in text and "Trần Thị Bình" in text


def test_portal_receipt_is_not_shown_to_others(app, received, outsider):
    assert app.test_client().get(f"/ho-so/{received[0]}/bien-nhan.pdf").status_code == 302
    response = signed_in(app, outsider).client.get(f"/ho-so/{received[0]}/bien-nhan.pdf")
    assert response.status_code == 404


def test_dossier_page_links_the_forms(app, received):
    page = signed_in(app, "motcua").client.get(f"/can-bo/ho-so/{received[0]}")
    html = page.get_data(as_text=True)
    for form in FORMS[:3] + FORMS[4:]:
        assert f"/can-bo/ho-so/{received[0]}/{form}.pdf" in html
    assert f"/can-bo/ho-so/{received[0]}/mau-04.pdf" in html


def period() -> dict:
    """This year, in Vietnam's calendar (the register counts local days)."""
    today = utcnow().astimezone(LOCAL_TZ).date()
    return {"tu": date(today.year, 1, 1).isoformat(), "den": date(today.year, 12, 31).isoformat()}


def test_register_page_pdf_and_spreadsheet_list_each_dossier_of_the_period(app, received):
    officer = signed_in(app, "motcua").client
    page = officer.get("/can-bo/so-theo-doi", query_string=period()).get_data(as_text=True)
    assert all(code in page for code in received)
    assert 'id="register-total">2<' in page

    pdf = officer.get("/can-bo/so-theo-doi.pdf", query_string=period())
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert all(code in text for code in received) and "SỔ THEO DÕI HỒ SƠ" in text

    xlsx = officer.get("/can-bo/so-theo-doi.xlsx", query_string=period())
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == "STT")
    body = rows[header + 1 :]
    assert sorted(row[1] for row in body) == sorted(received)
    assert {row[4] for row in body} == {"Nguyễn Văn An"}


def test_register_of_another_period_or_agency_is_empty(app, received, outsider):
    officer = signed_in(app, "motcua").client
    last_year = {"tu": "2020-01-01", "den": "2020-12-31"}
    page = officer.get("/can-bo/so-theo-doi", query_string=last_year).get_data(as_text=True)
    assert 'id="register-total">0<' in page
    other = signed_in(app, outsider).client
    page = other.get("/can-bo/so-theo-doi", query_string=period()).get_data(as_text=True)
    assert 'id="register-total">0<' in page
    assert not any(code in page for code in received)
