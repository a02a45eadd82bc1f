"""Fuzzed form answers for the shipped procedures, posted through the portal's submission page
and the JSON API: never a 5xx or a traceback, a Vietnamese message, nothing stored on refusal."""

from __future__ import annotations

from io import BytesIO

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.dossiers.attachments import document_slots
from engine.dossiers.models import Dossier
from engine.outbox.models import OutboxMessage
from engine.procedures.form_data import applicant_form_name
from engine.procedures.queries import get_procedure, latest_version
from engine.procedures.sample_data import sample_from_form
from tests.conftest import Browser
from tests.unit.webapp.fuzz.answers import VIETNAMESE, json_answers, json_values, posted_answers

PROCEDURES = ["1.001193", "1.009994", "1.001612"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
#: deterministic (derandomize) and bounded: each test stays well under 20 s on both databases
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def procedures(demo, session_factory) -> dict[str, tuple[dict, list[str]]]:
    """Procedure code -> (a valid answer of its application form, its upload slots)."""
    found = {}
    with session_factory() as session:
        for code in PROCEDURES:
            version = latest_version(session, get_procedure(session, code))
            form = version.form(applicant_form_name(version))
            found[code] = (sample_from_form(form), [s.code for s in document_slots(version)])
    return found


@pytest.fixture
def citizen(app, demo) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login("congdan").status_code == 302
    return browser


def stored(session_factory) -> tuple[int, int]:
    with session_factory() as session:
        return session.query(Dossier).count(), session.query(OutboxMessage).count()


def assert_clean(response) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert "Traceback" not in body and 'File "' not in body
    return body


def test_the_unmutated_answers_are_accepted(citizen, procedures, session_factory):
    """The fuzz starts from answers that pass, so a refusal is the mutation's doing."""
    token = citizen.client.get("/api/csrf").get_json()["csrf_token"]
    for code, (valid, _slots) in procedures.items():
        response = citizen.client.post(
            "/api/dossiers",
            json={"procedure_code": code, "data": valid},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201, (code, response.get_json())


@FUZZ
@given(data=st.data())
def test_the_json_api_refuses_bad_answers_cleanly(citizen, procedures, session_factory, data):
    code = data.draw(st.sampled_from(PROCEDURES))
    answers = data.draw(json_answers(procedures[code][0]))
    body = data.draw(
        st.fixed_dictionaries(
            {"procedure_code": st.just(code)},
            optional={
                "channel": st.one_of(st.integers(), st.text(max_size=5), st.none()),
                "agency_id": st.one_of(st.integers(), st.text(max_size=5), st.lists(st.none())),
            },
        )
    )
    # mostly the answers of the form, sometimes anything in their place
    body["data"] = data.draw(st.one_of(st.just(answers), st.just(answers), json_values))
    token = citizen.client.get("/api/csrf").get_json()["csrf_token"]
    before = stored(session_factory)
    response = citizen.client.post("/api/dossiers", json=body, headers={"X-CSRFToken": token})
    assert_clean(response)
    event(f"answered {response.status_code}")
    if response.status_code != 201:
        message = response.get_json()["error"]
        assert VIETNAMESE.search(message), message
        assert stored(session_factory) == before


@FUZZ
@given(body=st.one_of(st.text(max_size=50), st.lists(st.integers(), max_size=3), st.none()))
def test_the_json_api_refuses_a_body_that_is_no_object(citizen, session_factory, body):
    token = citizen.client.get("/api/csrf").get_json()["csrf_token"]
    response = citizen.client.post("/api/dossiers", json=body, headers={"X-CSRFToken": token})
    assert_clean(response)
    assert response.status_code == 400
    assert VIETNAMESE.search(response.get_json()["error"])
    assert stored(session_factory) == (0, 0)


@settings(FUZZ, max_examples=35)  # a page post costs ~0.3 s on PostgreSQL
@given(data=st.data())
def test_the_portal_refuses_bad_answers_cleanly(citizen, procedures, session_factory, data):
    code = data.draw(st.sampled_from(PROCEDURES))
    valid, slots = procedures[code]
    form = data.draw(posted_answers(valid))
    files = {f"doc_{slot}": (BytesIO(PDF), f"{slot}.pdf") for slot in slots}
    before = stored(session_factory)
    response = citizen.submit(
        f"/thu-tuc/{code}/nop-ho-so",
        {**form, **files, "action": "submit"},
        page=f"/thu-tuc/{code}/nop-ho-so",
        content_type="multipart/form-data",
    )
    body = assert_clean(response)
    event(f"answered {response.status_code}")
    if response.status_code == 302 and "/bien-nhan" in response.headers["Location"]:
        return
    assert response.status_code in (400, 413), body[:2000]
    if response.status_code == 400:
        assert 'class="field__error"' in body or 'class="error-summary"' in body, body[:3000]
        messages = body.split('class="field__error"')[1:] or body.split("error-summary")[1:]
        assert all(VIETNAMESE.search(message[:400]) for message in messages)
    assert stored(session_factory) == before
