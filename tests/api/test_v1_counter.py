"""API v1 counter reception and the cash fee: a one-stop officer registers a paper dossier with
its components and scans (the counter page's engine operation), and takes the fees in cash;
refused input is 422 and creates nothing, other callers are refused."""

from __future__ import annotations

from sqlalchemy import select

from engine.agencies.models import Agency
from engine.demo import PARTNER_WARD_CODE
from engine.dossiers.counter import list_components
from engine.dossiers.models import CHANNEL_COUNTER, Dossier, DossierEvent
from engine.files.models import StoredFile
from engine.outbox.dispatch import perform_due
from engine.payments.collection import current_payment
from tests.api.callers import PDF, caller, dossier_count
from tests.api.test_v1_credentials import bearer, client_key
from tests.factories import KHAI_SINH, birth_application, submit
from tests.unit.processes.test_household_business import submit as submit_household_business

REQUIRED = ("to_khai", "giay_chung_sinh", "giay_to_tuy_than")


def reception(**overrides) -> dict:
    components = [
        {"code": code, "original": code != "giay_to_tuy_than", "count": 1} for code in REQUIRED
    ]
    return {
        "procedure_code": KHAI_SINH,
        "data": birth_application(),
        "components": components,
        **overrides,
    }


def stored_file_count(session_factory) -> int:
    with session_factory() as session:
        return session.query(StoredFile).count()


def test_the_counter_receives_a_paper_dossier_with_its_scans(app, demo, session_factory):
    officer = caller(app, demo, session_factory, "motcua")
    listed = officer.get("/counter/procedures").get_json()["items"]
    birth = next(item for item in listed if item["code"] == KHAI_SINH)
    assert set(REQUIRED) <= {document["code"] for document in birth["documents"]}

    answer = officer.post_multipart(
        "/counter/dossiers",
        reception(),
        {"doc_giay_chung_sinh": ("chung-sinh.pdf", PDF)},
        key="quay-1",
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["channel"], body["status"]) == (CHANNEL_COUNTER, "processing")
    assert body["received_at"] and body["due_at"]
    assert answer.headers["Location"].endswith(f"/api/v1/dossiers/{body['code']}")
    assert officer.get(f"/dossiers/{body['code']}").get_json()["applicant_name"] == (
        "Nguyễn Văn An"
    )
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == body["code"]))
        components = {c.document_code: c for c in list_components(session, dossier)}
        assert set(components) == set(REQUIRED)
        assert components["giay_to_tuy_than"].original is False
        [scan_id] = components["giay_chung_sinh"].file_ids
        assert session.get(StoredFile, scan_id).original_name == "chung-sinh.pdf"
        actions = session.scalars(
            select(DossierEvent.action).where(DossierEvent.dossier_id == dossier.id)
        ).all()
    assert actions == ["submitted", "task_completed"]

    again = officer.post_multipart(
        "/counter/dossiers",
        reception(),
        {"doc_giay_chung_sinh": ("chung-sinh.pdf", PDF)},
        key="quay-1",
    )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["code"] == body["code"] and dossier_count(session_factory) == 1


def test_registering_only_leaves_the_reception_task_open(app, demo, session_factory):
    officer = caller(app, demo, session_factory, "motcua")
    answer = officer.post("/counter/dossiers", reception(accept=False, components=[]))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["status"], body["received_at"]) == ("submitted", None)
    inbox = officer.get("/tasks/").get_json()["items"]
    assert [task["dossier_code"] for task in inbox] == [body["code"]]


def test_refused_reception_is_422_with_every_error_and_creates_nothing(app, demo, session_factory):
    officer = caller(app, demo, session_factory, "motcua")
    components = [
        {"code": "to_khai", "count": 0},
        {"code": "giay_chung_sinh"},
    ]
    refused = officer.post_multipart(
        "/counter/dossiers",
        reception(components=components, data=birth_application(child_full_name="")),
        {"doc_giay_chung_sinh": ("anh.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert "component-to_khai-count" in fields
    assert "anh.pdf" in fields["component-giay_chung_sinh-scan"]
    assert "Giấy tờ tùy thân" in fields["component-giay_to_tuy_than"]
    assert "child_full_name" in fields

    stray = officer.post_multipart(
        "/counter/dossiers",
        reception(components=[]),
        {"doc_giay_chung_sinh": ("chung-sinh.pdf", PDF)},
    )
    assert stray.status_code == 422
    assert "component-giay_chung_sinh-scan" in stray.get_json()["error"]["fields"]
    twice = officer.post("/counter/dossiers", reception(components=[{"code": "to_khai"}] * 2))
    assert twice.status_code == 422 and "components" in twice.get_json()["error"]["fields"]
    unknown = officer.post("/counter/dossiers", reception(agency_id=2**40))
    assert unknown.status_code == 422 and "agency_id" in unknown.get_json()["error"]["fields"]
    assert dossier_count(session_factory) == 0
    assert stored_file_count(session_factory) == 0


def test_only_a_one_stop_officer_receives_and_only_at_their_counter(app, demo, session_factory):
    for username in ("congdan", "thuly", "lanhdao", "quantri", "thulycn"):
        other = caller(app, demo, session_factory, username)
        assert other.get("/counter/procedures").status_code == 403, username
        assert other.post("/counter/dossiers", reception()).status_code == 403, username
    officer = caller(app, demo, session_factory, "motcua")
    with session_factory() as session:
        partner = session.scalar(select(Agency.id).where(Agency.code == PARTNER_WARD_CODE))
    elsewhere = officer.post("/counter/dossiers", reception(agency_id=partner))
    assert elsewhere.status_code == 403
    anonymous = app.test_client().post("/api/v1/counter/dossiers", json=reception())
    assert anonymous.status_code == 401
    assert dossier_count(session_factory) == 0


def test_a_client_key_receives_for_its_agencies(app, demo, session_factory):
    api = app.test_client()
    writer = bearer(client_key(demo, session_factory, ["dossiers:read", "dossiers:write"]))
    reader = bearer(client_key(demo, session_factory, ["dossiers:read"]))
    assert api.post("/api/v1/counter/dossiers", json=reception(), headers=reader).status_code == 403
    made = api.post("/api/v1/counter/dossiers", json=reception(), headers=writer)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["channel"] == CHANNEL_COUNTER


def unpaid_household_business(demo, session_factory) -> str:
    """Submitted online by the citizen; the worker has opened its 100 000 đ fee."""
    dossier_id = submit_household_business(session_factory, demo.actor("congdan"), pay=False)
    perform_due(session_factory)
    with session_factory() as session:
        return session.get(Dossier, dossier_id).code


def test_the_one_stop_officer_takes_the_fee_in_cash(app, demo, session_factory):
    code = unpaid_household_business(demo, session_factory)
    path = f"/counter/dossiers/{code}/cash-payment"
    assert caller(app, demo, session_factory, "congdan").post(path, {}).status_code == 403
    assert caller(app, demo, session_factory, "thuly").post(path, {}).status_code == 403
    assert caller(app, demo, session_factory, "thulycn").post(path, {}).status_code == 404
    officer = caller(app, demo, session_factory, "motcua")
    paid = officer.post(path, {}, key="le-phi-1")
    assert paid.status_code == 200, paid.get_json()
    body = paid.get_json()
    assert (body["state"], body["method"], body["amount"]) == ("paid", "cash", 100000)
    assert body["fee_lines"] == [{"name": "Lệ phí đăng ký hộ kinh doanh", "amount": 100000}]
    replayed = officer.post(path, {}, key="le-phi-1")
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    assert officer.post(path, {}).status_code == 409
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        assert current_payment(session, dossier.id).method == "cash"
    assert officer.get("/tasks/").get_json()["items"][0]["dossier_code"] == code


def test_nothing_to_take_on_a_free_procedure(app, demo, session_factory):
    _dossier_id, code = submit(session_factory, demo.actor("congdan"))
    officer = caller(app, demo, session_factory, "motcua")
    refused = officer.post(f"/counter/dossiers/{code}/cash-payment", {})
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"
