"""Paying a dossier's fee online through the VNPay sandbox, over real HTTP both ways: the
applicant's browser (a requests session) to our app and to the sandbox's pay page, and the
sandbox's IPN to our app. What an applicant and an officer would check: the state shown, the
dossier moving on to reception once, one notice."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import select

from connectors.vnpay.client import sign
from connectors.vnpay.sandbox import VnpaySandbox
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.outbox.dispatch import perform_due
from engine.outbox.models import OutboxMessage
from engine.payments.models import PaymentAttempt
from engine.payments.reconciliation import reconcile_payments
from engine.tasks.models import OPEN, Task
from tests.payments import Applicant, facts


@pytest.fixture
def vnpay(live_server, monkeypatch):
    sandbox = VnpaySandbox(ipn_url=f"{live_server}/ket-noi/thanh-toan/vnpay/ipn").start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


def test_paying_on_vnpay_moves_the_dossier_to_reception_once(
    household_dossier, applicant, vnpay, session_factory
):
    page = applicant.payment_page(household_dossier)
    assert "Chờ thanh toán" in page and "100.000 đồng" in page

    landed = applicant.pay(household_dossier)

    assert vnpay.ipn_log[0]["answer"] == {"RspCode": "00", "Message": "Confirm Success"}
    assert "Thanh toán thành công" in landed.text or "Đã thanh toán" in landed.text
    assert 'id="payment-state"' in landed.text and "Đã thanh toán" in landed.text
    state = facts(session_factory, household_dossier)
    assert state["events"] == ["submitted", "payment_received"]
    assert len(state["paid_notices"]) == 1
    assert state["tasks"] == ["Tiếp nhận hồ sơ, thu lệ phí"]
    receipt = applicant.http.get(f"{applicant.base}/ho-so/{household_dossier}/bien-lai.pdf")
    assert receipt.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "Một trăm nghìn đồng" in text and "Nguyễn Văn An" in text
    lookup = requests.get(f"{applicant.base}/tra-cuu", params={"ma": household_dossier}).text
    assert "Đã thanh toán" in lookup

    again = vnpay.send_ipn(next(iter(vnpay.transactions)))  # VNPay retries its IPN
    assert again["answer"]["RspCode"] == "02"
    assert facts(session_factory, household_dossier) == state


def test_the_browser_return_before_the_ipn_settles_once_by_asking_vnpay(
    household_dossier, applicant, vnpay, session_factory
):
    vnpay.hold_ipn = True
    landed = applicant.pay(household_dossier)  # back before VNPay's IPN
    assert "Đã thanh toán" in landed.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]

    late = vnpay.send_ipn(next(iter(vnpay.transactions)))
    assert late["answer"]["RspCode"] == "02"
    state = facts(session_factory, household_dossier)
    assert state["events"] == ["submitted", "payment_received"]
    assert len(state["paid_notices"]) == 1


def test_a_forged_or_altered_ipn_changes_nothing(
    household_dossier, applicant, vnpay, session_factory
):
    vnpay.hold_ipn = True
    applicant.pay(household_dossier, follow_return=False)
    reference = next(iter(vnpay.transactions))
    params = vnpay.signed_result(reference)
    ipn = f"{applicant.base}/ket-noi/thanh-toan/vnpay/ipn"

    tampered = {**params, "vnp_Amount": "100"}  # amount changed, signature kept
    assert requests.get(ipn, params=tampered).json()["RspCode"] == "97"

    resigned = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    resigned["vnp_Amount"] = "1000000"  # 10.000 đồng, signed with the right key
    resigned["vnp_SecureHash"] = sign(resigned, vnpay.hash_secret)
    assert requests.get(ipn, params=resigned).json()["RspCode"] == "04"

    unknown = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    unknown["vnp_TxnRef"] = "MC999T000000"
    unknown["vnp_SecureHash"] = sign(unknown, vnpay.hash_secret)
    assert requests.get(ipn, params=unknown).json()["RspCode"] == "01"

    assert facts(session_factory, household_dossier)["events"] == ["submitted"]
    assert requests.get(ipn, params=params).json()["RspCode"] == "00"
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]


def test_a_cancelled_payment_then_a_successful_one_counts_as_paid(
    household_dossier, applicant, vnpay, session_factory
):
    cancelled = applicant.pay(household_dossier, action="cancel")
    assert "Thanh toán không thành công" in cancelled.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    paid = applicant.pay(household_dossier)
    assert "Đã thanh toán" in paid.text
    with session_factory() as session:
        states = session.scalars(select(PaymentAttempt.state).order_by(PaymentAttempt.id)).all()
    assert states == ["failed", "paid"]
    assert facts(session_factory, household_dossier)["tasks"] == ["Tiếp nhận hồ sơ, thu lệ phí"]


def test_reconciliation_turns_a_payment_whose_ipn_was_lost_into_paid(
    household_dossier, applicant, vnpay, session_factory
):
    vnpay.hold_ipn = True
    applicant.pay(household_dossier, follow_return=False)  # IPN lost, browser closed
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    vnpay.down = True
    assert reconcile_payments(session_factory, quiet=_no_wait()) == 1
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]

    vnpay.down = False
    with session_factory() as session, transaction(session):
        session.execute(PaymentAttempt.__table__.update().values(checked_at=None))
    assert reconcile_payments(session_factory, quiet=_no_wait()) == 1
    assert facts(session_factory, household_dossier)["events"] == ["submitted", "payment_received"]


def test_vnpay_down_when_paying_says_so_and_keeps_the_dossier_waiting(
    household_dossier, applicant, vnpay, session_factory
):
    vnpay.down = True
    answer = applicant.choose(household_dossier, "vnpay")
    assert answer.status_code == 503  # the sandbox's pay page itself is down
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]


def test_without_signing_in_nobody_sees_or_pays_the_fee(household_dossier, live_server, vnpay):
    page = requests.get(f"{live_server}/ho-so/{household_dossier}/thanh-toan")
    assert "100.000 đồng" not in page.text and "Đăng nhập" in page.text
    posted = requests.post(
        f"{live_server}/ho-so/{household_dossier}/thanh-toan", data={"provider": "vnpay"}
    )
    assert posted.status_code == 400 and vnpay.transactions == {}  # no CSRF token, no session


def test_return_parameters_are_only_shown_after_their_signature_is_checked(
    household_dossier, applicant, vnpay, session_factory
):
    applicant.pay(household_dossier, action="cancel", follow_return=False)
    params = vnpay.signed_result(next(iter(vnpay.transactions)))
    forged = {**params, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    answer = applicant.http.get(
        f"{applicant.base}/ket-noi/thanh-toan/vnpay/ket-qua?{urlencode(forged)}"
    )
    assert answer.status_code == 400 and "sai chữ ký" in answer.text
    assert facts(session_factory, household_dossier)["events"] == ["submitted"]


def _no_wait():
    from datetime import timedelta

    return timedelta(0)


@pytest.fixture
def einvoice(monkeypatch):
    from connectors.einvoice.sandbox import EinvoiceSandbox

    sandbox = EinvoiceSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


def test_the_e_receipt_is_invoiced_once_and_its_qr_code_opens_the_public_check(
    household_dossier, applicant, vnpay, einvoice, session_factory, monkeypatch
):
    from tests.documents import decoded_images

    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", applicant.base)
    applicant.pay(household_dossier)
    einvoice.set_down()  # the e-invoice provider is down when the worker first tries
    perform_due(session_factory)
    assert einvoice.invoices == {}
    assert "hóa đơn điện tử số" not in applicant.payment_page(household_dossier)

    einvoice.set_down(False)
    with session_factory() as session, transaction(session):  # the backoff has passed
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")):
            row.next_attempt_at = row.created_at
    perform_due(session_factory)
    perform_due(session_factory)
    assert len(einvoice.invoices) == 1
    (invoice,) = einvoice.invoices.values()
    page = applicant.payment_page(household_dossier)
    assert f"hóa đơn điện tử số {invoice['invoice_number']}" in page

    pdf = applicant.http.get(f"{applicant.base}/ho-so/{household_dossier}/bien-lai.pdf").content
    (url,) = decoded_images(pdf)
    assert url.startswith(f"{applicant.base}/bien-lai/")
    check = requests.get(url)  # anyone holding the paper, signed in or not
    assert check.status_code == 200
    assert "Biên lai hợp lệ" in check.text
    assert "100.000 đồng (Một trăm nghìn đồng)" in check.text
    assert "VNPay" in check.text and invoice["invoice_number"] in check.text
    assert check.headers["X-Robots-Tag"].startswith("noindex")

    forged = requests.get(f"{applicant.base}/bien-lai/0123456789ABCDEF0123")
    assert forged.status_code == 404 and "Không tìm thấy biên lai" in forged.text


def test_reception_starts_with_the_e_receipt_number_of_a_fee_paid_online(
    household_dossier, applicant, vnpay, live_server, session_factory
):
    applicant.pay(household_dossier)
    officer = Applicant(live_server)
    officer.sign_in("motcua")
    with session_factory() as session:
        task_id = session.scalar(
            select(Task.id)
            .join(Dossier)
            .where(Dossier.code == household_dossier, Task.state == OPEN)
        )
    page = officer.http.get(f"{live_server}/can-bo/cong-viec/{task_id}").text
    number = re.search(r'name="fee_receipt_number"[^>]*value="([^"]*)"', page)
    assert number is not None and re.fullmatch(r"BL-\d{4}/0000001", number.group(1)), number
