"""The postage quote through /api/v1: what the local post office quotes for the address, the
amount POST /dossiers/ then accepts as `postal.pickup_postage`; bad input is a 422."""

from __future__ import annotations

from urllib.parse import urlencode

from connectors.vnpost.sandbox import postage
from tests.api.callers import PDF, SLOT_PART, caller, submission
from tests.factories import KHAI_SINH

ADDRESS = "Số 5 đường Yersin, Phú Cường"
AGENCY = "Bộ phận Một cửa, UBND phường Phú Cường"


def quote(citizen, **args):
    return citizen.get("/postage/?" + urlencode(args))


def test_the_quote_is_the_post_offices_and_the_submission_accepts_it(
    app, demo, session_factory, post_office
):
    citizen = caller(app, demo, session_factory, "congdan")
    quoted = quote(
        citizen,
        procedure_code=KHAI_SINH,
        pickup="true",
        delivery="true",
        address=ADDRESS,
        phone="0912345678",
    )
    assert quoted.status_code == 200, quoted.get_json()
    body = quoted.get_json()
    assert body["pickup_postage"] == postage(ADDRESS, AGENCY, 500)
    assert body["delivery_postage"] == postage(AGENCY, ADDRESS, 500)
    only_pickup = quote(
        citizen, procedure_code=KHAI_SINH, pickup="true", address=ADDRESS, phone="0912345678"
    ).get_json()
    assert only_pickup["delivery_postage"] is None

    postal = {
        "pickup": True,
        "address": ADDRESS,
        "phone": "0912345678",
        "pickup_postage": body["pickup_postage"],
    }
    submitted = citizen.post_multipart(
        "/dossiers/", submission(postal=postal), {SLOT_PART: ("chung-sinh.pdf", PDF)}
    )
    assert submitted.status_code == 201, submitted.get_json()


def test_bad_quote_requests_are_422_or_404(app, demo, session_factory, post_office):
    citizen = caller(app, demo, session_factory, "congdan")
    short = quote(citizen, procedure_code=KHAI_SINH, pickup="true", address="Q1", phone="0912")
    assert short.status_code == 422
    assert {"postal_address", "postal_phone"} <= short.get_json()["error"]["fields"].keys()
    missing = quote(citizen, procedure_code=KHAI_SINH, pickup="true")
    assert missing.status_code == 422
    assert {"address", "phone"} <= missing.get_json()["error"]["fields"].keys()
    unknown = quote(
        citizen, procedure_code="9.999999", pickup="true", address=ADDRESS, phone="0912345678"
    )
    assert unknown.status_code == 404
    assert app.test_client().get("/api/v1/postage/").status_code == 401
