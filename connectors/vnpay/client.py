"""VNPay payment gateway, API 2.1.0, as a PaymentProvider (connectors/payment/contract.py).

VNPay signs with HMAC-SHA512 over the vnp_* parameters sorted by name, each written
`key=quote_plus(value)` and joined with '&' (as VNPay's own PHP/Python samples do); the query API
(querydr) signs the '|'-joined fields in a fixed order instead. The IPN address is registered with
VNPay, not sent in the request. Settings come from Quản trị › Kết nối (provider `vnpay`), then
MOTCUA_VNPAY_* environment variables, then the local sandbox (connectors/vnpay/sandbox.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import requests

from connectors.contract import OperationFailed
from connectors.payment.contract import (
    ALREADY_CONFIRMED,
    BAD_SIGNATURE,
    CONFIRMED,
    FAILED,
    INVALID_AMOUNT,
    ORDER_NOT_FOUND,
    PAID,
    PENDING,
    REFUNDED,
    CallbackAnswer,
    InvalidSignature,
    MalformedCallback,
    PaymentNotice,
    PaymentOrder,
    PaymentStart,
)
from connectors.settings import ProviderSettings, Setting, declare

VERSION = "2.1.0"
#: VNPay's dates are local time in Vietnam, yyyyMMddHHmmss
VNPAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
TIMEOUT = 10.0

#: the local sandbox's merchant credentials (connectors/vnpay/sandbox.py)
SANDBOX_TMN_CODE = "MOTCUA01"
SANDBOX_HASH_SECRET = "MOTCUASANDBOXSECRETKEY0123456789"
SANDBOX_PAY_URL = "http://127.0.0.1:5002/paymentv2/vpcpay.html"
SANDBOX_API_URL = "http://127.0.0.1:5002/merchant_webapi/api/transaction"

SETTINGS = declare(
    ProviderSettings(
        "vnpay",
        "VNPay",
        (
            Setting(
                "tmn_code",
                "Mã website (vnp_TmnCode)",
                "MOTCUA_VNPAY_TMN_CODE",
                default=SANDBOX_TMN_CODE,
            ),
            Setting(
                "hash_secret",
                "Chuỗi bí mật ký (vnp_HashSecret)",
                "MOTCUA_VNPAY_HASH_SECRET",
                secret=True,
                default=SANDBOX_HASH_SECRET,
            ),
            Setting(
                "pay_url",
                "Địa chỉ trang thanh toán",
                "MOTCUA_VNPAY_PAY_URL",
                default=SANDBOX_PAY_URL,
            ),
            Setting(
                "api_url",
                "Địa chỉ API truy vấn (querydr)",
                "MOTCUA_VNPAY_API_URL",
                default=SANDBOX_API_URL,
            ),
        ),
        sandbox="python -m connectors.vnpay.sandbox --port 5002 --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/vnpay/ipn",
    )
)
#: the provider name of the settings on Quản trị › Kết nối
SETTINGS_PROVIDER = SETTINGS.name

#: the IPN replies VNPay documents, by the engine's outcome
ANSWERS = {
    CONFIRMED: ("00", "Confirm Success"),
    ORDER_NOT_FOUND: ("01", "Order not found"),
    ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    INVALID_AMOUNT: ("04", "invalid amount"),
    BAD_SIGNATURE: ("97", "Invalid signature"),
}
UNKNOWN_ERROR = ("99", "Unknow error")

#: vnp_ResponseCode of a payment, in words for the officer and the audit
RESPONSE_MESSAGES = {
    "00": "Giao dịch thành công",
    "07": "Trừ tiền thành công, giao dịch bị nghi ngờ gian lận",
    "09": "Thẻ/Tài khoản chưa đăng ký dịch vụ InternetBanking",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
    "11": "Đã hết hạn chờ thanh toán",
    "12": "Thẻ/Tài khoản bị khóa",
    "13": "Nhập sai mật khẩu xác thực giao dịch (OTP)",
    "24": "Khách hàng hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày",
    "75": "Ngân hàng thanh toán đang bảo trì",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định",
    "91": "Không tìm thấy giao dịch",
    "94": "Yêu cầu bị trùng lặp",
    "97": "Chữ ký không hợp lệ",
    "99": "Lỗi không xác định",
}

#: the querydr request's signed fields, in VNPay's documented order
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
#: the querydr answer's signed fields, in VNPay's documented order
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
CALLBACK_REQUIRED = ("vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_ResponseCode")


@dataclass(frozen=True)
class VnpaySettings:
    tmn_code: str = SANDBOX_TMN_CODE
    hash_secret: str = SANDBOX_HASH_SECRET
    pay_url: str = SANDBOX_PAY_URL
    api_url: str = SANDBOX_API_URL
    timeout: float = TIMEOUT


def vnpay_settings(
    stored: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> VnpaySettings:
    """Stored settings win over MOTCUA_VNPAY_* variables, which win over the sandbox's."""
    values = SETTINGS.values(stored, environ)
    return VnpaySettings(**values)


# --- signing ------------------------------------------------------------------------------------


def hmac_sha512(secret: str, data: str) -> str:
    """VNPay's checksum: lowercase hex HMAC-SHA512 of UTF-8 data."""
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    """The signed string of a pay request or a callback: vnp_* sorted, quote_plus'd, '&'-joined."""
    return "&".join(
        f"{key}={quote_plus(str(params[key]))}"
        for key in sorted(params)
        if key.startswith("vnp_") and key not in HASH_FIELDS
    )


def sign(params: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash for a pay request or a callback."""
    return hmac_sha512(secret, hash_data(params))


def sign_fields(values: Mapping[str, str], fields: tuple[str, ...], secret: str) -> str:
    """vnp_SecureHash of the query API: the fields' values '|'-joined in the given order."""
    return hmac_sha512(secret, "|".join(str(values.get(field, "") or "") for field in fields))


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Does vnp_SecureHash match the other vnp_* parameters? (constant-time comparison)"""
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def ascii_fold(text: str) -> str:
    """VNPay refuses diacritics in vnp_OrderInfo: 'Lệ phí đăng ký' -> 'Le phi dang ky'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = stripped.encode("ascii", "ignore").decode()
    return " ".join(ascii_only.split())[:255]


def vnpay_date(moment: datetime) -> str:
    """yyyyMMddHHmmss in Vietnam; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VNPAY_TZ).strftime(DATE_FORMAT)


def parse_vnpay_date(text: str | None) -> datetime | None:
    """A VNPay date as an aware UTC datetime; None when absent or unreadable."""
    if not text:
        return None
    try:
        local = datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VNPAY_TZ)
    except ValueError:
        return None
    return local.astimezone(UTC)


# --- the provider -------------------------------------------------------------------------------


class VnpayProvider:
    """VNPay 2.1.0: pay URL, IPN and return verification, querydr reconciliation."""

    name = "vnpay"
    label = "VNPay"

    def start(self, order: PaymentOrder, settings: Mapping[str, str]) -> PaymentStart:
        """The signed pay URL; VNPay needs no server call to create a transaction."""
        config = vnpay_settings(settings)
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": config.tmn_code,
            "vnp_Amount": str(int(order.amount) * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.reference,
            "vnp_OrderInfo": ascii_fold(order.description) or order.reference,
            "vnp_OrderType": "other",
            "vnp_Locale": order.locale if order.locale in ("vn", "en") else "vn",
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.client_ip or "127.0.0.1",
            "vnp_CreateDate": vnpay_date(order.created_at),
            "vnp_ExpireDate": vnpay_date(order.expires_at),
        }
        query = hash_data(params)
        secure_hash = hmac_sha512(config.hash_secret, query)
        return PaymentStart(redirect_url=f"{config.pay_url}?{query}&vnp_SecureHash={secure_hash}")

    def read_callback(
        self,
        query: Mapping[str, str],
        body: bytes,
        headers: Mapping[str, str],
        settings: Mapping[str, str],
    ) -> PaymentNotice:
        """The IPN: VNPay calls it with GET, everything in the query string."""
        return self._read_signed(query, vnpay_settings(settings))

    def read_return(self, query: Mapping[str, str], settings: Mapping[str, str]) -> PaymentNotice:
        """The browser return carries the same signed parameters as the IPN."""
        return self._read_signed(query, vnpay_settings(settings))

    def answer(self, outcome: str) -> CallbackAnswer:
        """VNPay reads RspCode in a JSON body, always with HTTP 200."""
        code, message = ANSWERS.get(outcome, UNKNOWN_ERROR)
        return CallbackAnswer(status=200, body=json.dumps({"RspCode": code, "Message": message}))

    def query(
        self, reference: str, created_at: datetime, settings: Mapping[str, str]
    ) -> PaymentNotice:
        """querydr; `created_at` must be the pay request's vnp_CreateDate moment."""
        config = vnpay_settings(settings)
        request = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": config.tmn_code,
            "vnp_TxnRef": reference,
            "vnp_TransactionDate": vnpay_date(created_at),
            "vnp_CreateDate": vnpay_date(datetime.now(UTC)),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"Truy van giao dich {reference}",
        }
        request["vnp_SecureHash"] = sign_fields(request, QUERY_REQUEST_FIELDS, config.hash_secret)
        try:
            response = requests.post(config.api_url, json=request, timeout=config.timeout)
        except requests.RequestException as error:
            raise OperationFailed(f"VNPay querydr: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise OperationFailed(f"VNPay querydr: HTTP {response.status_code}")
        try:
            response.raise_for_status()
            answer = {key: str(value) for key, value in response.json().items()}
        except (requests.RequestException, ValueError, AttributeError) as error:
            raise OperationFailed(f"VNPay querydr: unreadable answer ({error})") from error
        expected = sign_fields(answer, QUERY_RESPONSE_FIELDS, config.hash_secret)
        if not hmac.compare_digest(answer.get("vnp_SecureHash", "").lower(), expected):
            raise OperationFailed("VNPay querydr: the answer's signature does not verify")
        code = answer.get("vnp_ResponseCode", "")
        if code == "91":
            return PaymentNotice(
                reference=reference,
                state=PENDING,
                amount=0,
                code="91",
                message=answer.get("vnp_Message") or RESPONSE_MESSAGES["91"],
                raw=answer,
            )
        if code != "00":
            raise OperationFailed(f"VNPay querydr: {code} {answer.get('vnp_Message', '')}")
        if answer.get("vnp_TxnRef", reference) != reference:
            raise OperationFailed("VNPay querydr: the answer is about another transaction")
        status = answer.get("vnp_TransactionStatus", "")
        return PaymentNotice(
            reference=reference,
            state=_query_state(status, answer.get("vnp_TransactionType", "")),
            amount=_amount(answer.get("vnp_Amount", "0")),
            provider_reference=answer.get("vnp_TransactionNo") or None,
            paid_at=parse_vnpay_date(answer.get("vnp_PayDate")) if status == "00" else None,
            code=status,
            message=answer.get("vnp_Message", ""),
            raw=answer,
        )

    def _read_signed(self, query: Mapping[str, str], config: VnpaySettings) -> PaymentNotice:
        params = {key: str(value) for key, value in query.items() if key.startswith("vnp_")}
        if not params.get("vnp_SecureHash"):
            raise MalformedCallback("vnp_SecureHash missing")
        if not verify(params, config.hash_secret):
            raise InvalidSignature("vnp_SecureHash does not verify")
        missing = [key for key in CALLBACK_REQUIRED if not params.get(key)]
        if missing:
            raise MalformedCallback(f"missing {', '.join(missing)}")
        if params["vnp_TmnCode"] != config.tmn_code:
            raise InvalidSignature("vnp_TmnCode is not ours")
        try:
            amount = _amount(params["vnp_Amount"])
        except OperationFailed as error:
            raise MalformedCallback(str(error)) from error
        code = params["vnp_ResponseCode"]
        status = params.get("vnp_TransactionStatus", code)
        paid = code == "00" and status == "00"
        return PaymentNotice(
            reference=params["vnp_TxnRef"],
            state=PAID if paid else FAILED,
            amount=amount,
            provider_reference=params.get("vnp_TransactionNo") or None,
            paid_at=parse_vnpay_date(params.get("vnp_PayDate")) if paid else None,
            code=code,
            message=RESPONSE_MESSAGES.get(code, f"Mã lỗi VNPay {code}"),
            raw=params,
        )


def _amount(vnp_amount: str) -> int:
    """VNPay amounts are đồng × 100."""
    try:
        return int(vnp_amount) // 100
    except (TypeError, ValueError) as error:
        raise OperationFailed(f"vnp_Amount {vnp_amount!r} is not a number") from error


def _query_state(status: str, transaction_type: str) -> str:
    """vnp_TransactionStatus of querydr: 00 paid, 01 not finished, 07 under fraud review."""
    if status == "00":
        return REFUNDED if transaction_type in ("02", "03") else PAID
    if status in ("01", "07"):
        return PENDING
    return FAILED
