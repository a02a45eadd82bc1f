"""Paying a dossier's fee through the national payment platform and through MoMo, over real HTTP
both ways: the applicant's browser (a requests session) chooses the provider on our payment page
and pays on the provider's sandbox page, the sandbox notifies our app. What an applicant and an
officer would check: the choice offered, the state shown, the dossier moving on once, one
notice, the e-receipt naming the provider."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import select

from connectors.momo.sandbox import MomoSandbox
from connectors.national_payment.client import RESULT_FIELDS, checksum
from connectors.national_payment.sandbox import NationalPaymentSandbox
from engine.db import transaction
from engine.payments.models import PaymentAttempt
from engine.payments.reconciliation import reconcile_payments
from tests.payments import facts

LABELS = {
    "national_payment": "Nền tảng thanh toán Cổng Dịch vụ công quốc gia",
    "momo": "Ví MoMo",
}


@pytest.fixture
def national_payment(live_server, monkeypatch):
    sandbox = NationalPaymentSandbox(
        ipn_url=f"{live_server}/ket-noi/thanh-toan/national_payment/ipn"
    ).start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def momo(live_server, monkeypatch):
    sandbox = MomoSandbox().start()  # IPNs go to the ipnUrl our app sends
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def provider_sandbox(request, national_payment, momo):
    return {"national_payment": national_payment, "momo": momo}[request.param]


def only_reference(sandbox) -> str:
    (reference,) = sandbox.transactions
    return reference


def test_the_payment_page_offers_every_provider(household_dossier, applicant):
    page = applicant.payment_page(household_dossier)
    for name, label in {"vnpay": "VNPay", **LABELS}.items():
        assert f'value="{name}"' in page
        assert f'<label for="provider-{name}">{label}</label>' in page


@pytest.mark.parametrize("provider_sandbox", ["national_payment", "momo"], indirect=True)
def test_paying_moves_the_dossier_to_reception_once_and_issues_the_e_receipt(
    household_dossier, applicant, provider_sandbox, session_factory, request
):
    provider = request.node.callspec.params["provider_sandbox"]
    page = applicant.payment_page(household_dossier)
    assert "Chờ thanh toán" in page and "100.000 đồng" in page

    landed = applicant.pay(household_dossier, provider)

    (ipn,) = provider_sandbox.ipn_log
    assert ipn["status"] == (204 if provider == "momo" else 200)
    if provider == "national_payment":
        assert ipn["answer"]["code"] == "00"
    assert 'id="payment-state"' in landed.text and "Đã thanh toán" in landed.text
    assert LABELS[provider] in landed.text  # the attempts table names the provider
    state = facts(session_factory, household_dossier)
    assert state["events"] == ["submitted", "payment_received"]
    assert len(state["paid_notices"]) == 1
    assert state["tasks"] == ["Tiếp nhận hồ sơ, thu lệ phí"]
    assert state["receipts"] == [provider]

    receipt = applicant.http.get(f"{applicant.base}/ho-so/{household_dossier}/bien-lai.pdf")
    assert receipt.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "Một trăm nghìn đồng" in text and "Nguyễn Văn An" in text
    with session_factory() as session:
        provider_reference = session.scalar(select(PaymentAttempt.provider_reference))
    assert provider_reference and provider_reference in text

    again = provider_sandbox.send_ipn(only_reference(provider_sandbox))  # sent a second time
    if provider == "national_payment":
        assert again["answer"]["code"] == "02"
    else:
        assert again["status"] == 204
    assert facts(session_factory, household_dossier) == state


def test_a_forged_or_altered_national_notification_changes_nothing(
    household_dossier, applicant, national_payment, session_factory
):
    national_payment.hold_ipn = True
    applicant.pay(household_dossier, "national_payment", follow_return=False)
    reference = only_reference(national_payment)
    fields = national_payment.signed_result(reference)
    ipn = f"{applicant.base}/ket-noi/thanh-toan/national_payment/ipn"

    first_key = {**fields, "checksum": checksum(fields, RESULT_FIELDS, national_payment.key_1)}
    assert requests.post(ipn, json=first_key).json()["code"] == "97"

    tampered = {**fields, "trans_amount": "1000"}  # amount changed, checksum kept
    assert requests.post(ipn, json=tampered).json()["code"] == "97"

    resigned = {**fields, "trans_amount": "10000"}  # 10.000 đồng, signed with key 2
    resigned["checksum"] = checksum(resigned, RESULT_FIELDS, national_payment.key_2)
    assert requests.post(ipn, json=resigned).json()["code"] == "04"

    unknown = {**fields, "transaction_id": "MC999T000000"}
    unknown["checksum"] = checksum(unknown, RESULT_FIELDS, national_payment.key_2)
    assert requests.post(ipn, json=unknown).json()["code"] == "01"

    assert facts(session_factory, household_dossier)["events"] == ["submitted"]
    assert requests.post(ipn, json=fields).json()["code"] == "00"
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]


def test_a_tampered_momo_ipn_is_refused_and_changes_nothing(
    household_dossier, applicant, momo, session_factory
):
    momo.hold_ipn = True
    applicant.pay(household_dossier, "momo", follow_return=False)
    fields = momo.signed_result(only_reference(momo))
    ipn = f"{applicant.base}/ket-noi/thanh-toan/momo/ipn"
    assert requests.post(ipn, json={**fields, "amount": 1000}).status_code == 400
    assert requests.post(ipn, data="orderId=x").status_code == 500
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]
    assert requests.post(ipn, json=fields).status_code == 204
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]


def test_the_momo_return_before_the_ipn_settles_once_by_asking_momo(
    household_dossier, applicant, momo, session_factory
):
    momo.hold_ipn = True
    landed = applicant.pay(household_dossier, "momo")  # back before MoMo's IPN
    assert "Đã thanh toán" in landed.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]

    late = momo.send_ipn(only_reference(momo))
    assert late["status"] == 204
    state = facts(session_factory, household_dossier)
    assert state["events"] == ["submitted", "payment_received"]
    assert len(state["paid_notices"]) == 1


def test_a_refused_momo_payment_then_a_national_one_counts_as_paid(
    household_dossier, applicant, momo, national_payment, session_factory
):
    refused = applicant.pay(household_dossier, "momo", action="cancel")
    assert "Thanh toán không thành công" in refused.text
    assert "Người dùng đã từ chối xác nhận thanh toán" in refused.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    paid = applicant.pay(household_dossier, "national_payment")
    assert "Đã thanh toán" in paid.text
    with session_factory() as session:
        attempts = session.execute(
            select(PaymentAttempt.provider, PaymentAttempt.state).order_by(PaymentAttempt.id)
        ).all()
    assert [tuple(a) for a in attempts] == [("momo", "failed"), ("national_payment", "paid")]
    assert facts(session_factory, household_dossier)["receipts"] == ["national_payment"]


def test_reconciliation_asks_the_national_platform_about_a_lost_notification(
    household_dossier, applicant, national_payment, session_factory
):
    national_payment.hold_ipn = True
    applicant.pay(household_dossier, "national_payment", follow_return=False)  # IPN lost
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    national_payment.down = True
    assert reconcile_payments(session_factory, quiet=timedelta(0)) == 1
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    national_payment.down = False
    with session_factory() as session, transaction(session):
        session.execute(PaymentAttempt.__table__.update().values(checked_at=None))
    assert reconcile_payments(session_factory, quiet=timedelta(0)) == 1
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]


@pytest.mark.parametrize("provider_sandbox", ["national_payment", "momo"], indirect=True)
def test_a_provider_down_when_paying_says_so_and_keeps_the_dossier_waiting(
    household_dossier, applicant, provider_sandbox, session_factory, request
):
    provider = request.node.callspec.params["provider_sandbox"]
    provider_sandbox.down = True
    answer = applicant.choose(household_dossier, provider)
    assert answer.status_code == 200 and answer.url.endswith(
        f"/ho-so/{household_dossier}/thanh-toan"
    )
    assert f"Không kết nối được {LABELS[provider]}" in answer.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]
    with session_factory() as session:
        assert session.scalars(select(PaymentAttempt.state)).all() == ["failed"]

    provider_sandbox.down = False  # back up: the applicant tries again
    assert "Đã thanh toán" in applicant.pay(household_dossier, provider).text
