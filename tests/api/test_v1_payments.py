"""A dossier's fees through /api/v1: what is due, starting an online payment at the VNPay
sandbox (the answer is the sandbox's pay address, as the portal's redirect), once per
Idempotency-Key; refusals change nothing; a provider that does not answer is a 503 with the
attempt recorded failed. And the public e-receipt check by the code under its QR code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connectors.vnpay.sandbox import VnpaySandbox
from engine.db import transaction
from engine.payments.collection import record_cash_payment
from engine.payments.models import PaymentAttempt
from engine.receipts.models import EReceipt
from tests.api.callers import caller, household_dossier_code, second_citizen


@pytest.fixture
def household_code(demo, session_factory) -> str:
    return household_dossier_code(demo, session_factory)


@pytest.fixture
def stranger(app, demo, session_factory):
    return second_citizen(app, demo, session_factory)


@pytest.fixture
def vnpay(monkeypatch):
    sandbox = VnpaySandbox(ipn_url="http://127.0.0.1:9/ipn").start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def citizen(app, demo, session_factory):
    return caller(app, demo, session_factory, "congdan")


def attempts(session_factory) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.execute(
            select(PaymentAttempt.provider, PaymentAttempt.state).order_by(PaymentAttempt.id)
        ).all()
    return [tuple(row) for row in rows]


def test_the_applicant_reads_the_fees_due(app, demo, session_factory, citizen, household_code):
    answer = citizen.get(f"/dossiers/{household_code}/payment")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["code"] == household_code and body["preparing"] is False
    assert body["payment"]["amount"] == 100000
    assert body["payment"]["state"] == "pending"
    assert body["payment"]["state_label"] == "Chờ thanh toán"
    assert sum(line["amount"] for line in body["payment"]["fee_lines"]) == 100000
    assert {"vnpay", "momo", "national_payment"} <= {p["name"] for p in body["providers"]}
    assert body["receipt"] is None
    officer = caller(app, demo, session_factory, "motcua")
    assert officer.get(f"/dossiers/{household_code}/payment").status_code == 200


def test_starting_a_payment_answers_the_sandbox_pay_address_once_per_key(
    session_factory, citizen, household_code, vnpay
):
    path = f"/dossiers/{household_code}/payment/attempts"
    started = citizen.post(path, {"provider": "vnpay"}, key="tra-phi-1")
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    assert body["redirect_url"].startswith(vnpay.pay_url + "?")
    assert "vnp_SecureHash=" in body["redirect_url"]
    assert body["amount"] == 100000 and body["provider"] == "vnpay"
    assert f"vnp_TxnRef={body['reference']}" in body["redirect_url"]

    replay = citizen.post(path, {"provider": "vnpay"}, key="tra-phi-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == body
    assert attempts(session_factory) == [("vnpay", "pending")]

    again = citizen.post(path, {"provider": "vnpay"})  # no key: a new attempt, as the portal
    assert again.status_code == 201
    assert again.get_json()["reference"] != body["reference"]
    assert len(attempts(session_factory)) == 2


def test_refused_starts_change_nothing(
    app,
    demo,
    session_factory,
    citizen,
    stranger,
    household_code,
    vnpay,
):
    path = f"/dossiers/{household_code}/payment/attempts"
    unknown = citizen.post(path, {"provider": "paypal"})
    assert unknown.status_code == 422 and "provider" in unknown.get_json()["error"]["fields"]
    assert citizen.post(path, {}).status_code == 422
    assert stranger.get(f"/dossiers/{household_code}/payment").status_code == 404
    assert stranger.post(path, {"provider": "vnpay"}).status_code == 404
    officer = caller(app, demo, session_factory, "motcua")
    assert officer.post(path, {"provider": "vnpay"}).status_code == 404  # only the applicant
    assert attempts(session_factory) == []

    with session_factory() as session, transaction(session):
        record_cash_payment(session, demo.actor("motcua"), household_code)
    paid = citizen.post(path, {"provider": "vnpay"})
    assert paid.status_code == 409
    assert attempts(session_factory) == []


def test_a_provider_that_does_not_answer_is_a_503_and_the_key_is_free_again(
    session_factory, citizen, household_code, monkeypatch
):
    monkeypatch.setenv("MOTCUA_MOMO_API_URL", "http://127.0.0.1:9")  # nothing listens there
    path = f"/dossiers/{household_code}/payment/attempts"
    down = citizen.post(path, {"provider": "momo"}, key="momo-1")
    assert down.status_code == 503
    error = down.get_json()["error"]
    assert error["code"] == "unavailable" and "Không kết nối được Ví MoMo" in error["message"]["vi"]
    assert attempts(session_factory) == [("momo", "failed")]
    retry = citizen.post(path, {"provider": "momo"}, key="momo-1")
    assert retry.status_code == 503 and "Idempotent-Replayed" not in retry.headers
    assert attempts(session_factory) == [("momo", "failed"), ("momo", "failed")]


def test_anyone_checks_an_e_receipt_by_its_printed_code(app, demo, session_factory, household_code):
    with session_factory() as session, transaction(session):
        record_cash_payment(session, demo.actor("motcua"), household_code)
    with session_factory() as session:
        lookup_code = session.scalar(select(EReceipt.lookup_code))
    anyone = app.test_client()
    checked = anyone.get(f"/api/v1/receipts/{lookup_code.lower()}")
    assert checked.status_code == 200
    body = checked.get_json()
    assert body["valid"] is True and body["dossier_code"] == household_code
    assert body["amount"] == 100000 and body["amount_in_words"].startswith("Một trăm nghìn")
    assert body["reference"].startswith("BL-")
    missing = anyone.get("/api/v1/receipts/KHONGCO")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    citizen = caller(app, demo, session_factory, "congdan")
    overview = citizen.get(f"/dossiers/{household_code}/payment").get_json()
    assert overview["payment"]["state"] == "paid"
    assert overview["receipt"]["lookup_code"] == lookup_code
