"""The VNPay provider against the sandbox over real HTTP: pay URL, IPN, return, querydr."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connectors.contract import OperationFailed
from connectors.payment.contract import (
    CONFIRMED,
    FAILED,
    INVALID_AMOUNT,
    PAID,
    PENDING,
    InvalidSignature,
    MalformedCallback,
    PaymentOrder,
)
from connectors.vnpay import PROVIDER
from connectors.vnpay.client import ascii_fold, hash_data, sign, vnpay_settings
from connectors.vnpay.sandbox import SANDBOX_HASH_SECRET, SANDBOX_TMN_CODE, VnpaySandbox
from tests.connectors.ipn_receiver import IpnReceiver

RETURN_URL = "http://127.0.0.1:5000/thanh-toan/vnpay/tro-ve"


@pytest.fixture(scope="module")
def receiver():
    ipn = IpnReceiver(PROVIDER)
    yield ipn
    ipn.stop()


@pytest.fixture(scope="module")
def vnpay(receiver):
    sandbox = VnpaySandbox(ipn_url=receiver.url).start()
    receiver.settings = sandbox.settings
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(vnpay, receiver):
    vnpay.hold_ipn = False
    vnpay.down = False
    receiver.calls.clear()
    yield vnpay
    vnpay.hold_ipn = False
    vnpay.down = False


_counter = iter(range(1, 10_000))


def make_order(amount: int = 150_000, description: str = "Lệ phí cấp đổi Giấy phép lái xe"):
    now = datetime.now(UTC)
    return PaymentOrder(
        reference=f"HS{now:%H%M%S}-{next(_counter)}",
        amount=amount,
        description=description,
        fee_lines=(),
        payer_name="Trần Thị Mai",
        dossier_code="000.00.01.H26-260101-0001",
        return_url=RETURN_URL,
        notify_url="",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def open_pay_page(url: str) -> str:
    page = requests.get(url, timeout=5)
    assert page.status_code == 200, page.text
    assert "Cổng thanh toán VNPay" in page.text
    return page.text


def choose(url: str, action: str) -> dict[str, str]:
    """What the payer does on the sandbox page: press a button, follow to vnp_ReturnUrl."""
    page = open_pay_page(url)
    nonce = page.split('name="nonce" value="')[1].split('"')[0]
    base = urlsplit(url)
    answer = requests.post(
        f"{base.scheme}://{base.netloc}/paymentv2/xac-nhan",
        data={"nonce": nonce, "action": action},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(RETURN_URL + "?")
    return query_of(answer.headers["Location"])


def test_pay_url_is_signed_and_accepted_by_the_sandbox(sandbox):
    order = make_order()
    start = PROVIDER.start(order, sandbox.settings)
    params = query_of(start.redirect_url)
    assert start.redirect_url.startswith(sandbox.pay_url + "?")
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == SANDBOX_TMN_CODE
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == order.reference
    assert params["vnp_OrderInfo"] == "Le phi cap doi Giay phep lai xe"
    assert params["vnp_OrderType"] == "other"
    assert params["vnp_ReturnUrl"] == RETURN_URL
    assert len(params["vnp_CreateDate"]) == 14
    assert params["vnp_CreateDate"] == (order.created_at + timedelta(hours=7)).strftime(
        "%Y%m%d%H%M%S"
    )
    page = open_pay_page(start.redirect_url)
    assert "150.000 ₫" in page
    assert "Thanh toán" in page and "Hủy giao dịch" in page


def test_tampered_pay_url_is_refused(sandbox):
    start = PROVIDER.start(make_order(), sandbox.settings)
    tampered = start.redirect_url.replace("vnp_Amount=15000000", "vnp_Amount=100")
    page = requests.get(tampered, timeout=5)
    assert page.status_code == 400
    assert "Sai chữ ký" in page.text


def test_paying_sends_a_signed_ipn_with_the_amount(sandbox, receiver):
    order = make_order(amount=250_000)
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")

    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    assert call["method"] == "GET"
    notice = call["notice"]
    assert notice.reference == order.reference
    assert notice.state == PAID
    assert notice.amount == 250_000
    assert notice.code == "00"
    assert notice.provider_reference
    assert notice.paid_at is not None and notice.paid_at.tzinfo is not None
    assert call["query"]["vnp_BankCode"] == "NCB"
    assert sandbox.ipn_log[-1]["answer"] == {"RspCode": "00", "Message": "Confirm Success"}

    returned = PROVIDER.read_return(back, sandbox.settings)
    assert returned.state == PAID and returned.amount == 250_000


def test_tampered_ipn_is_refused(sandbox, receiver):
    choose(PROVIDER.start(make_order(), sandbox.settings).redirect_url, "pay")
    query = dict(receiver.calls[0]["query"])
    query["vnp_Amount"] = "100"
    with pytest.raises(InvalidSignature):
        PROVIDER.read_callback(query, b"", {}, sandbox.settings)
    # and a merchant that answers with provider.answer tells VNPay 97
    reply = requests.get(receiver.url, params=query, timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"RspCode": "97", "Message": "Invalid signature"}


def test_callback_without_signature_is_malformed(sandbox):
    with pytest.raises(MalformedCallback):
        PROVIDER.read_callback({"vnp_TxnRef": "X"}, b"", {}, sandbox.settings)


def test_cancelled_payment_is_failed(sandbox, receiver):
    order = make_order()
    back = choose(PROVIDER.start(order, sandbox.settings).redirect_url, "cancel")
    notice = receiver.calls[0]["notice"]
    assert notice.state == FAILED
    assert notice.code == "24"
    assert notice.message == "Khách hàng hủy giao dịch"
    assert PROVIDER.read_return(back, sandbox.settings).state == FAILED


def test_held_ipn_is_sent_later_and_twice(sandbox, receiver):
    sandbox.hold_ipn = True
    order = make_order()
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    assert receiver.calls == []
    sandbox.send_ipn(order.reference)
    sandbox.send_ipn(order.reference)
    assert [c["notice"].state for c in receiver.calls] == [PAID, PAID]
    assert receiver.calls[0]["query"] == receiver.calls[1]["query"]


def test_querydr_reports_a_paid_transaction(sandbox):
    order = make_order(amount=75_000)
    choose(PROVIDER.start(order, sandbox.settings).redirect_url, "pay")
    notice = PROVIDER.query(order.reference, order.created_at, sandbox.settings)
    assert notice.state == PAID
    assert notice.amount == 75_000
    assert notice.reference == order.reference
    assert notice.provider_reference == sandbox.transactions[order.reference]["transaction_no"]


def test_querydr_of_an_unfinished_transaction_is_pending(sandbox):
    order = make_order()
    open_pay_page(PROVIDER.start(order, sandbox.settings).redirect_url)
    assert PROVIDER.query(order.reference, order.created_at, sandbox.settings).state == PENDING


def test_querydr_of_an_unknown_transaction_is_pending_91(sandbox):
    notice = PROVIDER.query("KHONG-CO", datetime.now(UTC), sandbox.settings)
    assert notice.state == PENDING
    assert notice.code == "91"


def test_querydr_with_a_wrong_secret_fails(sandbox):
    settings = {**sandbox.settings, "hash_secret": "not-the-secret"}
    with pytest.raises(OperationFailed):
        PROVIDER.query("X", datetime.now(UTC), settings)


def test_sandbox_down_is_a_temporary_failure(sandbox):
    sandbox.down = True
    with pytest.raises(OperationFailed, match="503"):
        PROVIDER.query("X", datetime.now(UTC), sandbox.settings)
    start = PROVIDER.start(make_order(), sandbox.settings)
    assert requests.get(start.redirect_url, timeout=5).status_code == 503


def test_unreachable_provider_is_a_temporary_failure():
    settings = {"api_url": "http://127.0.0.1:9/merchant_webapi/api/transaction"}
    with pytest.raises(OperationFailed):
        PROVIDER.query("X", datetime.now(UTC), settings)


def test_known_answer_hmac():
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": "DEMOV210",
        "vnp_Amount": "1806000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "5",
        "vnp_OrderInfo": "Thanh toan don hang :5",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": "20210801153333",
    }
    expected_data = (
        "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
        "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
        "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
    )
    assert hash_data(params) == expected_data
    # the hash fields themselves are never signed
    assert hash_data({**params, "vnp_SecureHash": "x", "vnp_SecureHashType": "y"}) == expected_data
    secret = "KNOWNANSWERSECRET"
    independent = hmac.new(secret.encode(), expected_data.encode(), hashlib.sha512).hexdigest()
    assert sign(params, secret) == independent
    assert len(independent) == 128


def test_answers_follow_vnpay():
    assert PROVIDER.answer(CONFIRMED).body == '{"RspCode": "00", "Message": "Confirm Success"}'
    assert PROVIDER.answer(INVALID_AMOUNT).status == 200
    assert '"04"' in PROVIDER.answer(INVALID_AMOUNT).body
    assert '"99"' in PROVIDER.answer("something else").body


def test_ascii_fold_removes_diacritics():
    assert ascii_fold("Đăng ký hộ kinh doanh — Phường Ô Chợ Dừa") == (
        "Dang ky ho kinh doanh Phuong O Cho Dua"
    )


def test_settings_fall_back_to_environment_then_sandbox():
    env = {"MOTCUA_VNPAY_TMN_CODE": "ENV00001", "MOTCUA_VNPAY_HASH_SECRET": "env-secret"}
    settings = vnpay_settings({"hash_secret": "stored"}, env)
    assert settings.tmn_code == "ENV00001"
    assert settings.hash_secret == "stored"
    assert settings.pay_url == "http://127.0.0.1:5002/paymentv2/vpcpay.html"
    assert settings.api_url == "http://127.0.0.1:5002/merchant_webapi/api/transaction"
    assert vnpay_settings({}, {}).hash_secret == SANDBOX_HASH_SECRET


def test_order_info_quoting_round_trips(sandbox):
    order = make_order(description="Phí & lệ phí: 50% (đợt 1/2) + thuế")
    params = query_of(PROVIDER.start(order, sandbox.settings).redirect_url)
    assert params["vnp_OrderInfo"] == "Phi & le phi: 50% (dot 1/2) + thue"
    assert urllib.parse.quote_plus(params["vnp_OrderInfo"]) in hash_data(params)
    open_pay_page(PROVIDER.start(order, sandbox.settings).redirect_url)
