"""The national payment platform provider against its sandbox over real HTTP: create with
bill_info, the payer's choice, the notification (key 2), the return, the query."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connectors.contract import OperationFailed
from connectors.national_payment import PROVIDER
from connectors.national_payment.client import (
    PAY_FIELDS,
    RESULT_FIELDS,
    checksum,
    national_payment_settings,
)
from connectors.national_payment.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_KEY_1,
    SANDBOX_KEY_2,
    NationalPaymentSandbox,
)
from connectors.payment.contract import (
    ALREADY_CONFIRMED,
    CONFIRMED,
    FAILED,
    INVALID_AMOUNT,
    PAID,
    PENDING,
    FeeLine,
    InvalidSignature,
    MalformedCallback,
    PaymentOrder,
)
from tests.connectors.ipn_receiver import IpnReceiver

RETURN_URL = "http://127.0.0.1:5000/ket-noi/thanh-toan/national_payment/ket-qua"
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
FEES = (FeeLine("Lệ phí đăng ký hộ kinh doanh", 100_000), FeeLine("Phí cung cấp thông tin", 50_000))


@pytest.fixture(scope="module")
def receiver():
    ipn = IpnReceiver(PROVIDER)
    yield ipn
    ipn.stop()


@pytest.fixture(scope="module")
def platform(receiver):
    sandbox = NationalPaymentSandbox(ipn_url=receiver.url).start()
    receiver.settings = sandbox.settings
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(platform, receiver):
    platform.hold_ipn = False
    platform.down = False
    receiver.calls.clear()
    yield platform
    platform.hold_ipn = False
    platform.down = False


_counter = iter(range(1, 10_000))


def make_order(fee_lines=FEES, amount: int | None = None) -> PaymentOrder:
    now = datetime.now(UTC)
    return PaymentOrder(
        reference=f"MC7T{now:%H%M%S}{next(_counter):04d}",
        amount=sum(line.amount for line in fee_lines) if amount is None else amount,
        description="Thanh toán lệ phí hồ sơ 000.00.01.H26-260101-0001",
        fee_lines=fee_lines,
        payer_name="Trần Thị Mai",
        dossier_code="000.00.01.H26-260101-0001",
        return_url=RETURN_URL,
        notify_url="",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


def open_pay_page(url: str) -> str:
    page = requests.get(url, timeout=5)
    assert page.status_code == 200, page.text
    assert "Nền tảng thanh toán — Cổng Dịch vụ công quốc gia" in page.text
    return page.text


def choose(url: str, action: str) -> dict[str, str]:
    """The payer presses a button on the platform's page; returns the return's fields."""
    page = open_pay_page(url)
    base = urlsplit(url)
    answer = requests.post(
        f"{base.scheme}://{base.netloc}/thanh-toan/xac-nhan",
        data={"nonce": NONCE.search(page).group(1), "action": action},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(RETURN_URL + "?")
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query, keep_blank_values=True))


def test_create_carries_the_fee_lines_and_the_payer_sees_them(sandbox):
    order = make_order()
    start = PROVIDER.start(order, sandbox.settings)
    assert start.redirect_url.startswith(sandbox.base_url + "/thanh-toan?token=")
    assert start.provider_reference.startswith("NTTT")
    recorded = sandbox.transactions[order.reference]
    assert recorded["trans_amount"] == "150000" and recorded["addition_fee"] == "0"
    assert recorded["bill_info"] == [
        {"name": "Lệ phí đăng ký hộ kinh doanh", "amount": 100_000},
        {"name": "Phí cung cấp thông tin", "amount": 50_000},
    ]
    page = open_pay_page(start.redirect_url)
    assert "Lệ phí đăng ký hộ kinh doanh" in page and "100.000 ₫" in page
    assert "Phí cung cấp thông tin" in page and "50.000 ₫" in page
    assert "150.000 ₫" in page and "Trần Thị Mai" in page
    assert "Thanh toán" in page and "Hủy giao dịch" in page


def test_create_signed_with_a_wrong_key_is_refused_97(sandbox):
    settings = {**sandbox.settings, "key_1": "not-the-key"}
    with pytest.raises(OperationFailed, match="97"):
        PROVIDER.start(make_order(), settings)


def test_create_from_an_unknown_client_is_refused_98(sandbox):
    settings = {**sandbox.settings, "client_id": "NOT-REGISTERED"}
    with pytest.raises(OperationFailed, match="98"):
        PROVIDER.start(make_order(), settings)


def test_bill_info_that_does_not_add_up_is_refused(sandbox):
    order = make_order()
    request = {
        "version": "1.0",
        "command": "pay",
        "client_id": SANDBOX_CLIENT_ID,
        "transaction_id": order.reference,
        "trans_amount": "150000",
        "addition_fee": "0",
        "bill_info": [{"name": "Lệ phí", "amount": 100_000}],
        "return_url": RETURN_URL,
    }
    request["checksum"] = checksum(request, PAY_FIELDS, SANDBOX_KEY_1)
    answer = requests.post(f"{sandbox.base_url}/api/v1/payments", json=request, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["response_code"] == "04"
    assert order.reference not in sandbox.transactions


def test_a_transaction_id_is_used_once(sandbox):
    order = make_order()
    PROVIDER.start(order, sandbox.settings)
    with pytest.raises(OperationFailed, match="94"):
        PROVIDER.start(order, sandbox.settings)


def test_paying_sends_a_notification_signed_with_the_second_key(sandbox, receiver):
    order = make_order()
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")

    (call,) = receiver.calls
    assert call["method"] == "POST"
    sent = json.loads(call["body"])
    assert sent["checksum"] == checksum(sent, RESULT_FIELDS, SANDBOX_KEY_2)
    assert sent["checksum"] != checksum(sent, RESULT_FIELDS, SANDBOX_KEY_1)
    notice = call["notice"]
    assert notice.reference == order.reference
    assert notice.state == PAID and notice.amount == 150_000 and notice.code == "00"
    assert notice.provider_reference == sandbox.transactions[order.reference]["platform_trans_id"]
    assert notice.paid_at is not None and notice.paid_at.tzinfo is not None
    assert sandbox.ipn_log[-1]["answer"] == {"code": "00", "message": "Xác nhận thành công"}

    returned = PROVIDER.read_return(back, sandbox.settings)
    assert returned.state == PAID and returned.amount == 150_000


def test_a_notification_signed_with_the_first_key_is_refused(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order()
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    fields = sandbox.signed_result(order.reference)
    fields["checksum"] = checksum(fields, RESULT_FIELDS, SANDBOX_KEY_1)
    with pytest.raises(InvalidSignature):
        PROVIDER.read_callback({}, json.dumps(fields).encode(), {}, sandbox.settings)
    reply = requests.post(receiver.url, json=fields, timeout=5)
    assert reply.status_code == 200
    assert reply.json()["code"] == "97"


def test_an_amount_changed_in_transit_is_refused(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order()
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    tampered = {**sandbox.signed_result(order.reference), "trans_amount": "1000"}
    assert requests.post(receiver.url, json=tampered, timeout=5).json()["code"] == "97"
    with pytest.raises(InvalidSignature):
        PROVIDER.read_return({**back, "trans_amount": "1000"}, sandbox.settings)
    with pytest.raises(InvalidSignature):
        PROVIDER.read_return({**back, "response_code": "00", "pay_date": ""}, sandbox.settings)


def test_a_notification_without_checksum_or_not_json_is_malformed(sandbox):
    with pytest.raises(MalformedCallback):
        PROVIDER.read_callback({}, b'{"transaction_id": "X"}', {}, sandbox.settings)
    with pytest.raises(MalformedCallback):
        PROVIDER.read_callback({}, b"transaction_id=X", {}, sandbox.settings)


def test_cancelled_payment_is_failed(sandbox, receiver):
    order = make_order()
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "cancel")
    notice = receiver.calls[0]["notice"]
    assert notice.state == FAILED and notice.code == "09"
    assert notice.message == "Người nộp đã hủy giao dịch"
    assert PROVIDER.read_return(back, sandbox.settings).state == FAILED


def test_held_notification_is_sent_later_and_twice(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order()
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    assert receiver.calls == []
    sandbox.send_ipn(order.reference)
    sandbox.send_ipn(order.reference)
    assert [c["notice"].state for c in receiver.calls] == [PAID, PAID]
    assert receiver.calls[0]["body"] == receiver.calls[1]["body"]


def test_query_reports_a_paid_transaction(sandbox):
    order = make_order()
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    notice = PROVIDER.query(order.reference, order.created_at, sandbox.settings)
    assert notice.state == PAID and notice.amount == 150_000
    assert notice.reference == order.reference
    assert notice.provider_reference == sandbox.transactions[order.reference]["platform_trans_id"]


def test_query_of_an_unpaid_transaction_is_pending(sandbox):
    order = make_order()
    open_pay_page(PROVIDER.start(order, sandbox.settings).redirect_url)
    notice = PROVIDER.query(order.reference, order.created_at, sandbox.settings)
    assert notice.state == PENDING and notice.code == "01"


def test_query_of_an_unknown_transaction_is_pending_91(sandbox):
    notice = PROVIDER.query("MC0TKHONGCO", datetime.now(UTC), sandbox.settings)
    assert notice.state == PENDING and notice.code == "91"


def test_query_signed_with_a_wrong_key_fails(sandbox):
    with pytest.raises(OperationFailed, match="97"):
        PROVIDER.query("X", datetime.now(UTC), {**sandbox.settings, "key_1": "wrong"})


def test_a_query_answer_that_does_not_verify_with_key_2_is_not_believed(sandbox):
    with pytest.raises(OperationFailed, match="checksum"):
        PROVIDER.query("X", datetime.now(UTC), {**sandbox.settings, "key_2": "wrong"})


def test_platform_down_is_a_temporary_failure(sandbox):
    sandbox.down = True
    with pytest.raises(OperationFailed, match="503"):
        PROVIDER.start(make_order(), sandbox.settings)
    with pytest.raises(OperationFailed, match="503"):
        PROVIDER.query("X", datetime.now(UTC), sandbox.settings)


def test_unreachable_platform_is_a_temporary_failure():
    with pytest.raises(OperationFailed):
        PROVIDER.query("X", datetime.now(UTC), {"base_url": "http://127.0.0.1:9"})


def test_known_answer_checksum():
    values = {
        "addition_fee": "0",
        "client_id": "000.00.01.H26",
        "command": "pay",
        "trans_amount": "150000",
        "transaction_id": "MC1T0A1B2C",
        "version": "1.0",
        "bill_info": "not signed",
    }
    data = "0|000.00.01.H26|pay|150000|MC1T0A1B2C|1.0"
    independent = hmac.new(b"KNOWN-KEY", data.encode(), hashlib.sha256).hexdigest()
    assert checksum(values, PAY_FIELDS, "KNOWN-KEY") == independent
    assert len(independent) == 64


def test_answers():
    assert json.loads(PROVIDER.answer(CONFIRMED).body)["code"] == "00"
    assert json.loads(PROVIDER.answer(ALREADY_CONFIRMED).body)["code"] == "02"
    assert json.loads(PROVIDER.answer(INVALID_AMOUNT).body)["code"] == "04"
    assert json.loads(PROVIDER.answer("anything else").body)["code"] == "99"
    assert PROVIDER.answer(CONFIRMED).status == 200


def test_settings_fall_back_to_environment_then_sandbox():
    env = {"MOTCUA_NATIONAL_PAYMENT_CLIENT_ID": "ENV-CLIENT", "MOTCUA_NATIONAL_PAYMENT_KEY_2": "e2"}
    config = national_payment_settings({"key_2": "stored", "base_url": "https://x.vn/"}, env)
    assert config.client_id == "ENV-CLIENT"
    assert config.key_2 == "stored"
    assert config.base_url == "https://x.vn"
    assert config.key_1 == SANDBOX_KEY_1
    assert national_payment_settings({}, {}).base_url == "http://127.0.0.1:5003"
