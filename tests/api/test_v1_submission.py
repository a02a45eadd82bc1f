"""POST /api/v1/dossiers: online submission as JSON or multipart, held to the portal's rules."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers.models import Dossier, DossierDocument
from engine.postal.models import PostalShipment
from tests.api.callers import (
    PDF,
    SLOT_PART,
    caller,
    dossier_count,
    stored_document,
    submission,
)
from tests.factories import birth_application


def test_multipart_submission_creates_the_dossier_with_its_file(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    answer = citizen.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", PDF)}
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["procedure_code"] == "1.001193" and body["status"] == "submitted"
    assert answer.headers["Location"].endswith(f"/api/v1/dossiers/{body['code']}")
    assert citizen.get(f"/dossiers/{body['code']}").status_code == 200
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == body["code"]))
        documents = session.scalars(
            select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
        ).all()
        assert [(d.document_code, d.purpose) for d in documents] == [
            ("giay_chung_sinh", "submission")
        ]
        assert documents[0].stored_file.original_name == "chung-sinh.pdf"


def test_json_submission_fills_the_slot_from_the_document_store(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    document_id = stored_document(app, demo, session_factory)
    answer = citizen.post(
        "/dossiers/", submission(store_documents={"giay_chung_sinh": document_id})
    )
    assert answer.status_code == 201, answer.get_json()
    with session_factory() as session:
        codes = session.scalars(select(DossierDocument.document_code)).all()
    assert codes == ["giay_chung_sinh"]


def test_form_and_document_errors_answer_422_per_field_and_create_nothing(
    app, demo, session_factory
):
    citizen = caller(app, demo, session_factory, "congdan")
    answer = citizen.post("/dossiers/", submission(data=birth_application(applicant_full_name="")))
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"]["vi"] and error["message"]["en"]
    assert "applicant_full_name" in error["fields"]
    assert "Vui lòng đính kèm giấy chứng sinh" in error["fields"][SLOT_PART]
    assert dossier_count(session_factory) == 0


def test_a_file_whose_content_lies_is_refused_as_on_the_portal(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    answer = citizen.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", b"GIF89a" + bytes(40))}
    )
    assert answer.status_code == 422
    assert "Nội dung tệp không phải" in answer.get_json()["error"]["fields"][SLOT_PART]
    assert dossier_count(session_factory) == 0

    empty = citizen.post_multipart("/dossiers/", submission(), {SLOT_PART: ("a.pdf", b"")})
    assert empty.status_code == 422 and dossier_count(session_factory) == 0


def test_a_request_over_the_size_limit_is_413(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    too_big = (app.config["MAX_CONTENT_LENGTH"] or 0) + 1
    answer = citizen.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", PDF + bytes(too_big))}
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "payload_too_large"
    assert dossier_count(session_factory) == 0


def test_malformed_bodies_answer_422(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    missing = citizen.post("/dossiers/", {"data": {}})
    assert missing.status_code == 422
    assert "procedure_code" in missing.get_json()["error"]["fields"]
    not_json = citizen.client.post(
        "/api/v1/dossiers/",
        data={"payload": "{không phải json"},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {citizen.token}"},
    )
    assert not_json.status_code == 422
    assert "payload" in not_json.get_json()["error"]["fields"]
    unknown = citizen.post("/dossiers/", submission(procedure_code="0.000000"))
    assert unknown.status_code == 404
    assert dossier_count(session_factory) == 0


def test_officers_may_not_submit_online_and_anonymous_must_sign_in(app, demo, session_factory):
    officer = caller(app, demo, session_factory, "motcua")
    answer = officer.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", PDF)}
    )
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"
    assert app.test_client().post("/api/v1/dossiers/", json=submission()).status_code == 401
    assert dossier_count(session_factory) == 0


def test_a_session_caller_needs_the_csrf_token(app, demo, session_factory):
    from tests.conftest import Browser

    client = app.test_client()
    Browser(client).login("congdan")
    document_id = stored_document(app, demo, session_factory)
    body = submission(store_documents={"giay_chung_sinh": document_id})
    assert client.post("/api/v1/dossiers/", json=body).status_code == 400
    token = client.get("/api/csrf").get_json()["csrf_token"]
    answer = client.post("/api/v1/dossiers/", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 201
    assert dossier_count(session_factory) == 1


def test_postal_services_need_the_quoted_postage_confirmed(app, demo, session_factory, post_office):
    citizen = caller(app, demo, session_factory, "congdan")
    postal = {"pickup": True, "address": "Số 5 đường Yersin, Phú Cường", "phone": "0912345678"}
    files = {SLOT_PART: ("chung-sinh.pdf", PDF)}
    unconfirmed = citizen.post_multipart("/dossiers/", submission(postal=postal), files)
    assert unconfirmed.status_code == 422
    message = unconfirmed.get_json()["error"]["fields"]["postal_pickup_postage"]
    assert "Cước bưu chính hiện là" in message
    assert dossier_count(session_factory) == 0

    amount = int(message.split("pickup_postage = ")[1].split()[0])
    confirmed = citizen.post_multipart(
        "/dossiers/", submission(postal={**postal, "pickup_postage": amount}), files
    )
    assert confirmed.status_code == 201, confirmed.get_json()
    with session_factory() as session:
        shipment = session.scalar(select(PostalShipment))
        assert (shipment.direction, shipment.postage) == ("pickup", amount)
