"""The MoMo provider against its sandbox over real HTTP: create, the payer's choice, the IPN
(answered 204), the redirect, the query."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connectors.contract import OperationFailed
from connectors.momo import PROVIDER
from connectors.momo.client import (
    CREATE_FIELDS,
    RESULT_FIELDS,
    momo_settings,
    raw_signature,
    sign,
)
from connectors.momo.sandbox import (
    SANDBOX_ACCESS_KEY,
    SANDBOX_PARTNER_CODE,
    SANDBOX_SECRET_KEY,
    MomoSandbox,
)
from connectors.payment.contract import (
    ALREADY_CONFIRMED,
    BAD_SIGNATURE,
    CONFIRMED,
    FAILED,
    INVALID_AMOUNT,
    ORDER_NOT_FOUND,
    PAID,
    PENDING,
    FeeLine,
    InvalidSignature,
    MalformedCallback,
    PaymentOrder,
)
from tests.connectors.ipn_receiver import IpnReceiver

RETURN_URL = "http://127.0.0.1:5000/ket-noi/thanh-toan/momo/ket-qua"
NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture(scope="module")
def receiver():
    ipn = IpnReceiver(PROVIDER)
    yield ipn
    ipn.stop()


@pytest.fixture(scope="module")
def momo(receiver):
    sandbox = MomoSandbox().start()
    receiver.settings = sandbox.settings
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(momo, receiver):
    momo.hold_ipn = False
    momo.down = False
    receiver.calls.clear()
    yield momo
    momo.hold_ipn = False
    momo.down = False


_counter = iter(range(1, 10_000))


def make_order(receiver, amount: int = 150_000) -> PaymentOrder:
    now = datetime.now(UTC)
    return PaymentOrder(
        reference=f"MC9T{now:%H%M%S}{next(_counter):04d}",
        amount=amount,
        description="Thanh toán lệ phí hồ sơ 000.00.01.H26-260101-0001",
        fee_lines=(FeeLine("Lệ phí đăng ký hộ kinh doanh", amount),),
        payer_name="Trần Thị Mai",
        dossier_code="000.00.01.H26-260101-0001",
        return_url=RETURN_URL,
        notify_url=receiver.url,
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


def open_pay_page(url: str) -> str:
    page = requests.get(url, timeout=5)
    assert page.status_code == 200, page.text
    assert "Cổng thanh toán MoMo" in page.text
    return page.text


def choose(url: str, action: str) -> dict[str, str]:
    """The payer confirms or cancels in the MoMo page; returns the redirect's fields."""
    page = open_pay_page(url)
    base = urlsplit(url)
    answer = requests.post(
        f"{base.scheme}://{base.netloc}/v2/gateway/pay/xac-nhan",
        data={"nonce": NONCE.search(page).group(1), "action": action},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(RETURN_URL + "?")
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query, keep_blank_values=True))


def test_create_answers_a_pay_url_with_the_order(sandbox, receiver):
    order = make_order(receiver)
    start = PROVIDER.start(order, sandbox.settings)
    assert start.redirect_url.startswith(sandbox.base_url + "/v2/gateway/pay?t=")
    recorded = sandbox.transactions[order.reference]
    assert recorded["amount"] == 150_000
    assert recorded["ipn_url"] == receiver.url
    assert recorded["redirect_url"] == RETURN_URL
    assert recorded["items"][0]["name"] == "Lệ phí đăng ký hộ kinh doanh"
    page = open_pay_page(start.redirect_url)
    assert "150.000 ₫" in page
    assert "Thanh toán lệ phí hồ sơ 000.00.01.H26-260101-0001" in page
    assert "Xác nhận thanh toán" in page and "Hủy giao dịch" in page


def test_create_with_a_wrong_secret_is_refused_13(sandbox, receiver):
    with pytest.raises(OperationFailed, match="13"):
        PROVIDER.start(make_order(receiver), {**sandbox.settings, "secret_key": "wrong"})


def test_an_amount_below_momo_minimum_is_refused_22(sandbox, receiver):
    with pytest.raises(OperationFailed, match="22"):
        PROVIDER.start(make_order(receiver, amount=500), sandbox.settings)


def test_an_order_id_is_used_once_41(sandbox, receiver):
    order = make_order(receiver)
    PROVIDER.start(order, sandbox.settings)
    with pytest.raises(OperationFailed, match="41"):
        PROVIDER.start(order, sandbox.settings)


def test_paying_posts_a_signed_ipn_answered_204(sandbox, receiver):
    order = make_order(receiver, amount=250_000)
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")

    (call,) = receiver.calls
    assert call["method"] == "POST"
    notice = call["notice"]
    assert notice.reference == order.reference
    assert notice.state == PAID and notice.amount == 250_000 and notice.code == "0"
    assert notice.provider_reference == str(sandbox.transactions[order.reference]["trans_id"])
    assert notice.paid_at is not None and notice.paid_at.tzinfo is not None
    assert sandbox.ipn_log[-1]["status"] == 204 and sandbox.ipn_log[-1]["body"] == ""

    returned = PROVIDER.read_return(back, sandbox.settings)
    assert returned.state == PAID and returned.amount == 250_000


def test_a_tampered_ipn_is_refused(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order(receiver)
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    fields = sandbox.signed_result(order.reference)
    tampered = {**fields, "amount": 1000}
    reply = requests.post(receiver.url, json=tampered, timeout=5)
    assert reply.status_code == 400
    assert receiver.calls[-1]["outcome"] == BAD_SIGNATURE
    with pytest.raises(InvalidSignature):
        PROVIDER.read_return({**back, "amount": "1000"}, sandbox.settings)


def test_a_success_forged_from_a_refusal_is_refused(sandbox, receiver):
    order = make_order(receiver)
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "cancel")
    assert back["resultCode"] == "1006"
    forged = {**back, "resultCode": "0", "message": "Thành công."}
    with pytest.raises(InvalidSignature):
        PROVIDER.read_return(forged, sandbox.settings)


def test_an_ipn_signed_with_another_secret_is_refused(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order(receiver)
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    fields = sandbox.signed_result(order.reference)
    fields["signature"] = sign({**fields, "accessKey": SANDBOX_ACCESS_KEY}, RESULT_FIELDS, "x")
    assert requests.post(receiver.url, json=fields, timeout=5).status_code == 400


def test_an_ipn_that_is_not_json_is_malformed(sandbox):
    with pytest.raises(MalformedCallback):
        PROVIDER.read_callback({}, b"orderId=X", {}, sandbox.settings)
    with pytest.raises(MalformedCallback):
        PROVIDER.read_callback({}, b'{"orderId": "X"}', {}, sandbox.settings)


def test_refused_payment_is_failed_1006(sandbox, receiver):
    order = make_order(receiver)
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "cancel")
    notice = receiver.calls[0]["notice"]
    assert notice.state == FAILED and notice.code == "1006"
    assert notice.message == "Người dùng đã từ chối xác nhận thanh toán"
    assert PROVIDER.read_return(back, sandbox.settings).state == FAILED


def test_held_ipn_is_sent_later_and_twice(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order(receiver)
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    assert receiver.calls == []
    sandbox.send_ipn(order.reference)
    sandbox.send_ipn(order.reference)
    assert [c["notice"].state for c in receiver.calls] == [PAID, PAID]
    assert receiver.calls[0]["body"] == receiver.calls[1]["body"]


def test_an_ipn_override_address_receives_the_ipn(momo, receiver):
    """`--ipn-url` (make run) sends IPNs to a fixed address instead of each order's ipnUrl."""
    sandbox = MomoSandbox(ipn_url=receiver.url).start()
    receiver.settings = sandbox.settings
    try:
        order = make_order(receiver)
        order = PaymentOrder(**{**order.__dict__, "notify_url": "http://127.0.0.1:9/nowhere"})
        receiver.calls.clear()
        choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
        assert [c["notice"].reference for c in receiver.calls] == [order.reference]
    finally:
        sandbox.stop()
        receiver.settings = momo.settings


def test_query_reports_a_paid_transaction(sandbox, receiver):
    order = make_order(receiver, amount=75_000)
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    notice = PROVIDER.query(order.reference, order.created_at, sandbox.settings)
    assert notice.state == PAID and notice.amount == 75_000
    assert notice.reference == order.reference
    assert notice.provider_reference == str(sandbox.transactions[order.reference]["trans_id"])


def test_query_of_an_unpaid_transaction_is_pending_1000(sandbox, receiver):
    order = make_order(receiver)
    open_pay_page(PROVIDER.start(order, sandbox.settings).redirect_url)
    notice = PROVIDER.query(order.reference, order.created_at, sandbox.settings)
    assert notice.state == PENDING and notice.code == "1000"


@pytest.mark.parametrize("code", [9000, 7000, 7002, 8000])
def test_query_of_an_authorised_or_processing_transaction_is_pending(sandbox, receiver, code):
    order = make_order(receiver)
    PROVIDER.start(order, sandbox.settings)
    sandbox.transactions[order.reference]["result_code"] = code
    assert PROVIDER.query(order.reference, order.created_at, sandbox.settings).state == PENDING


def test_query_of_an_unknown_order_is_pending_42(sandbox):
    notice = PROVIDER.query("MC0TKHONGCO", datetime.now(UTC), sandbox.settings)
    assert notice.state == PENDING and notice.code == "42"


def test_query_with_a_wrong_secret_fails(sandbox):
    with pytest.raises(OperationFailed, match="13"):
        PROVIDER.query("X", datetime.now(UTC), {**sandbox.settings, "secret_key": "wrong"})


def test_momo_down_is_a_temporary_failure(sandbox, receiver):
    sandbox.down = True
    with pytest.raises(OperationFailed, match="503"):
        PROVIDER.start(make_order(receiver), sandbox.settings)
    with pytest.raises(OperationFailed, match="503"):
        PROVIDER.query("X", datetime.now(UTC), sandbox.settings)


def test_unreachable_momo_is_a_temporary_failure():
    with pytest.raises(OperationFailed):
        PROVIDER.query("X", datetime.now(UTC), {"api_url": "http://127.0.0.1:9"})


def test_known_answer_signature():
    """The create signature of MoMo's documented field list, computed independently."""
    values = {
        "partnerCode": "MOMO",
        "accessKey": "F8BBA842ECF85",
        "requestId": "MOMO1540456472575",
        "amount": 150000,
        "orderId": "MOMO1540456472575",
        "orderInfo": "Lệ phí",
        "redirectUrl": "https://momo.vn/return",
        "ipnUrl": "https://momo.vn/ipn",
        "extraData": "",
        "requestType": "captureWallet",
        "lang": "vi",
    }
    expected_data = (
        "accessKey=F8BBA842ECF85&amount=150000&extraData=&ipnUrl=https://momo.vn/ipn"
        "&orderId=MOMO1540456472575&orderInfo=Lệ phí&partnerCode=MOMO"
        "&redirectUrl=https://momo.vn/return&requestId=MOMO1540456472575"
        "&requestType=captureWallet"
    )
    assert raw_signature(values, CREATE_FIELDS) == expected_data
    secret = "K951B6PE1waDMi640xX08PD3vg6EkVlz"
    independent = hmac.new(secret.encode(), expected_data.encode(), hashlib.sha256).hexdigest()
    assert sign(values, CREATE_FIELDS, secret) == independent


def test_answers_are_204_when_recorded():
    assert PROVIDER.answer(CONFIRMED).status == 204
    assert PROVIDER.answer(ALREADY_CONFIRMED).status == 204
    assert PROVIDER.answer(CONFIRMED).body == ""
    assert PROVIDER.answer(BAD_SIGNATURE).status == 400
    assert PROVIDER.answer(INVALID_AMOUNT).status == 400
    assert PROVIDER.answer(ORDER_NOT_FOUND).status == 404
    assert PROVIDER.answer("error").status == 500


def test_settings_fall_back_to_environment_then_sandbox():
    env = {"MOTCUA_MOMO_PARTNER_CODE": "MOMOENV", "MOTCUA_MOMO_SECRET_KEY": "env-secret"}
    config = momo_settings({"secret_key": "stored"}, env)
    assert config.partner_code == "MOMOENV"
    assert config.secret_key == "stored"
    assert config.access_key == SANDBOX_ACCESS_KEY
    assert momo_settings({}, {}).api_url == "http://127.0.0.1:5004"
    assert momo_settings({}, {}).partner_code == SANDBOX_PARTNER_CODE
    assert momo_settings({}, {}).secret_key == SANDBOX_SECRET_KEY
