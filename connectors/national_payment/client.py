"""Nền tảng thanh toán of Cổng Dịch vụ công quốc gia as a PaymentProvider.

The platform is reached through a client id and two keys issued by Văn phòng Chính phủ when the
agency's system is connected to the national portal. What we send is signed with the first key;
what the platform sends (its notification, the browser return, the answer to a query) is signed
with the second. A checksum is the lowercase hex HMAC-SHA256 of the signed fields' values,
'|'-joined in the fields' alphabetical order: for a pay request
`addition_fee|client_id|command|trans_amount|transaction_id|version`. `bill_info` carries the
fee lines (name, amount) the payer sees; `trans_amount` is their sum in whole đồng and
`addition_fee` the platform's own charge to the payer (we send 0; the fee settled is
`trans_amount`). Settings come from Quản trị › Kết nối (provider `national_payment`), then
MOTCUA_NATIONAL_PAYMENT_* variables, then the local sandbox
(connectors/national_payment/sandbox.py).

Unverified (no public specification was found; these follow the integration brief and the
shape of the platform's VNPay-like predecessors, and are to be checked against the document
the platform hands an integrating agency):
- the addresses `POST {base}/api/v1/payments` (create, answers `payment_url`) and
  `POST {base}/api/v1/payments/query`; field names other than the six signed ones and
  `bill_info` (`platform_trans_id`, `response_code`, `pay_date`, `request_id`);
- which fields the notification, return and query answer sign (here: every field listed in
  RESULT_FIELDS, alphabetically), and whether the create answer is signed (we do not rely on it:
  it only gives the address to send the payer to);
- the response codes (RESPONSE_MESSAGES) and the notification's reply (`{"code", "message"}`
  with the VNPay-like codes 00/01/02/04/97/99), and that the notification is a JSON POST
  to the address registered with the platform;
- dates as yyyyMMddHHmmss in Vietnam's time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import requests

from connectors.contract import OperationFailed, json_answer
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

VERSION = "1.0"
PLATFORM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
TIMEOUT = 10.0

#: the local sandbox's credentials (connectors/national_payment/sandbox.py)
SANDBOX_CLIENT_ID = "MOTCUA-DVC-01"
SANDBOX_KEY_1 = "MOTCUA-NTTT-KEY1-0123456789abcdef"
SANDBOX_KEY_2 = "MOTCUA-NTTT-KEY2-fedcba9876543210"
SANDBOX_BASE_URL = "http://127.0.0.1:5003"
CREATE_PATH = "/api/v1/payments"
QUERY_PATH = "/api/v1/payments/query"

SETTINGS = declare(
    ProviderSettings(
        "national_payment",
        "Nền tảng thanh toán Cổng Dịch vụ công quốc gia",
        (
            Setting(
                "base_url",
                "Địa chỉ Nền tảng thanh toán",
                "MOTCUA_NATIONAL_PAYMENT_BASE_URL",
                default=SANDBOX_BASE_URL,
            ),
            Setting(
                "client_id",
                "Mã hệ thống kết nối (client_id)",
                "MOTCUA_NATIONAL_PAYMENT_CLIENT_ID",
                default=SANDBOX_CLIENT_ID,
            ),
            Setting(
                "key_1",
                "Khóa thứ nhất (ký yêu cầu gửi đi)",
                "MOTCUA_NATIONAL_PAYMENT_KEY_1",
                secret=True,
                default=SANDBOX_KEY_1,
            ),
            Setting(
                "key_2",
                "Khóa thứ hai (kiểm tra thông báo kết quả)",
                "MOTCUA_NATIONAL_PAYMENT_KEY_2",
                secret=True,
                default=SANDBOX_KEY_2,
            ),
            Setting(
                "version",
                "Phiên bản giao thức",
                "MOTCUA_NATIONAL_PAYMENT_VERSION",
                default=VERSION,
            ),
        ),
        sandbox="python -m connectors.national_payment.sandbox --port 5003 --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/national_payment/ipn",
    )
)
SETTINGS_PROVIDER = SETTINGS.name

#: the fields a pay request's checksum covers (key 1), alphabetically
PAY_FIELDS = ("addition_fee", "client_id", "command", "trans_amount", "transaction_id", "version")
#: the fields a query request's checksum covers (key 1)
QUERY_FIELDS = ("client_id", "command", "request_id", "transaction_id", "version")
#: the fields the platform's notification, return and query answer sign (key 2)
RESULT_FIELDS = (
    "addition_fee",
    "client_id",
    "command",
    "pay_date",
    "platform_trans_id",
    "response_code",
    "trans_amount",
    "transaction_id",
    "version",
)
CALLBACK_REQUIRED = ("client_id", "transaction_id", "trans_amount", "response_code", "checksum")

#: the platform's result codes, in words for the officer and the audit
RESPONSE_MESSAGES = {
    "00": "Giao dịch thành công",
    "01": "Giao dịch đang chờ người nộp thanh toán",
    "04": "Số tiền không hợp lệ",
    "09": "Người nộp đã hủy giao dịch",
    "10": "Giao dịch đã hết hạn thanh toán",
    "11": "Giao dịch không thành công",
    "20": "Giao dịch đã được hoàn tiền",
    "91": "Không tìm thấy giao dịch",
    "94": "Mã giao dịch đã được sử dụng",
    "97": "Sai mã kiểm tra (checksum)",
    "98": "Mã hệ thống kết nối không hợp lệ",
    "99": "Lỗi không xác định",
}
PENDING_CODES = {"01"}
REFUNDED_CODES = {"20"}

#: our reply to a notification, by the engine's outcome
ANSWERS = {
    CONFIRMED: ("00", "Xác nhận thành công"),
    ORDER_NOT_FOUND: ("01", "Không tìm thấy giao dịch"),
    ALREADY_CONFIRMED: ("02", "Giao dịch đã được xác nhận trước đó"),
    INVALID_AMOUNT: ("04", "Số tiền không khớp"),
    BAD_SIGNATURE: ("97", "Sai mã kiểm tra (checksum)"),
}
UNKNOWN_ERROR = ("99", "Lỗi không xác định")


@dataclass(frozen=True)
class NationalPaymentSettings:
    base_url: str = SANDBOX_BASE_URL
    client_id: str = SANDBOX_CLIENT_ID
    key_1: str = SANDBOX_KEY_1
    key_2: str = SANDBOX_KEY_2
    version: str = VERSION
    timeout: float = TIMEOUT


def national_payment_settings(
    stored: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> NationalPaymentSettings:
    """Stored settings win over MOTCUA_NATIONAL_PAYMENT_* variables, then the sandbox's."""
    values = SETTINGS.values(stored, environ)
    if "base_url" in values:
        values["base_url"] = values["base_url"].rstrip("/")
    return NationalPaymentSettings(**values)


# --- checksums ----------------------------------------------------------------------------------


def checksum(values: Mapping[str, object], fields: tuple[str, ...], key: str) -> str:
    """Lowercase hex HMAC-SHA256 of the fields' values, '|'-joined in the given order."""
    data = "|".join(_text(values.get(name)) for name in fields)
    return hmac.new(key.encode(), data.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(values: Mapping[str, object], fields: tuple[str, ...], key: str) -> bool:
    """Does `checksum` match? (constant-time comparison)"""
    given = _text(values.get("checksum")).lower()
    return bool(given) and hmac.compare_digest(given, checksum(values, fields, key))


def platform_date(moment: datetime) -> str:
    """yyyyMMddHHmmss in Vietnam; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PLATFORM_TZ).strftime(DATE_FORMAT)


def parse_platform_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=PLATFORM_TZ).astimezone(UTC)
    except ValueError:
        return None


def _text(value: object) -> str:
    return "" if value is None else str(value)


# --- the provider -------------------------------------------------------------------------------


class NationalPaymentProvider:
    """Create with bill_info, notification and return checked with key 2, query to reconcile."""

    name = "national_payment"
    label = "Nền tảng thanh toán Cổng Dịch vụ công quốc gia"

    def start(self, order: PaymentOrder, settings: Mapping[str, str]) -> PaymentStart:
        """Register the transaction with the platform; it answers the payer's address."""
        config = national_payment_settings(settings)
        lines = order.fee_lines or ()
        request = {
            "version": config.version,
            "command": "pay",
            "client_id": config.client_id,
            "transaction_id": order.reference,
            "trans_amount": str(int(order.amount)),
            "addition_fee": "0",
            "bill_info": [{"name": line.name, "amount": int(line.amount)} for line in lines]
            or [{"name": order.description, "amount": int(order.amount)}],
            "description": order.description,
            "payer_name": order.payer_name,
            "dossier_code": order.dossier_code,
            "return_url": order.return_url,
            "create_date": platform_date(order.created_at),
            "expire_date": platform_date(order.expires_at),
            "client_ip": order.client_ip or "127.0.0.1",
            "locale": order.locale,
        }
        request["checksum"] = checksum(request, PAY_FIELDS, config.key_1)
        answer = self._post(config, CREATE_PATH, request, "tạo giao dịch")
        code = answer.get("response_code", "")
        if code != "00" or not answer.get("payment_url"):
            message = answer.get("message") or RESPONSE_MESSAGES.get(code, "")
            raise OperationFailed(f"Nền tảng thanh toán từ chối giao dịch: {code} {message}")
        return PaymentStart(
            redirect_url=answer["payment_url"],
            provider_reference=answer.get("platform_trans_id") or None,
        )

    def read_callback(
        self,
        query: Mapping[str, str],
        body: bytes,
        headers: Mapping[str, str],
        settings: Mapping[str, str],
    ) -> PaymentNotice:
        """The notification: a JSON POST (the query string is read when the body is empty)."""
        params: Mapping[str, object] = query
        if body:
            try:
                params = json.loads(body)
            except ValueError as error:
                raise MalformedCallback(f"body is not JSON ({error})") from error
            if not isinstance(params, dict):
                raise MalformedCallback("body is not a JSON object")
        return self._read_signed(params, national_payment_settings(settings))

    def read_return(self, query: Mapping[str, str], settings: Mapping[str, str]) -> PaymentNotice:
        """The browser return carries the same signed fields as the notification."""
        return self._read_signed(query, national_payment_settings(settings))

    def answer(self, outcome: str) -> CallbackAnswer:
        code, message = ANSWERS.get(outcome, UNKNOWN_ERROR)
        body = json.dumps({"code": code, "message": message}, ensure_ascii=False)
        return CallbackAnswer(status=200, body=body)

    def query(
        self, reference: str, created_at: datetime, settings: Mapping[str, str]
    ) -> PaymentNotice:
        """Ask the platform about one transaction; its answer is checked with key 2."""
        config = national_payment_settings(settings)
        request = {
            "version": config.version,
            "command": "query",
            "client_id": config.client_id,
            "transaction_id": reference,
            "request_id": secrets.token_hex(12),
            "create_date": platform_date(created_at),
        }
        request["checksum"] = checksum(request, QUERY_FIELDS, config.key_1)
        answer = self._post(config, QUERY_PATH, request, "truy vấn giao dịch")
        if not verify(answer, RESULT_FIELDS, config.key_2):
            raise OperationFailed("Nền tảng thanh toán: checksum của câu trả lời không đúng")
        if answer.get("transaction_id", reference) != reference:
            raise OperationFailed("Nền tảng thanh toán: câu trả lời về một giao dịch khác")
        code = answer.get("response_code", "")
        if code == "91":
            return PaymentNotice(
                reference=reference,
                state=PENDING,
                amount=0,
                code=code,
                message=RESPONSE_MESSAGES["91"],
                raw=answer,
            )
        if code in ("94", "97", "98", "99"):
            raise OperationFailed(f"Nền tảng thanh toán: {code} {answer.get('message', '')}")
        return self._notice(answer)

    # --- internals ------------------------------------------------------------------------------

    def _post(
        self, config: NationalPaymentSettings, path: str, request: dict, what: str
    ) -> dict[str, str]:
        try:
            response = requests.post(config.base_url + path, json=request, timeout=config.timeout)
        except requests.RequestException as error:
            raise OperationFailed(f"Nền tảng thanh toán ({what}): {error}") from error
        data = json_answer(response, f"Nền tảng thanh toán ({what})")
        return {key: _text(value) for key, value in data.items()}

    def _read_signed(
        self, params: Mapping[str, object], config: NationalPaymentSettings
    ) -> PaymentNotice:
        values = {key: _text(value) for key, value in params.items()}
        if not values.get("checksum"):
            raise MalformedCallback("checksum missing")
        if not verify(values, RESULT_FIELDS, config.key_2):
            raise InvalidSignature("checksum does not verify with key 2")
        missing = [key for key in CALLBACK_REQUIRED if not values.get(key)]
        if missing:
            raise MalformedCallback(f"missing {', '.join(missing)}")
        if values["client_id"] != config.client_id:
            raise InvalidSignature("client_id is not ours")
        return self._notice(values)

    def _notice(self, values: Mapping[str, str]) -> PaymentNotice:
        try:
            amount = int(values.get("trans_amount") or "0")
        except ValueError as error:
            raise MalformedCallback(f"trans_amount {values.get('trans_amount')!r}") from error
        code = values.get("response_code", "")
        if code == "00":
            state = PAID
        elif code in PENDING_CODES:
            state = PENDING
        elif code in REFUNDED_CODES:
            state = REFUNDED
        else:
            state = FAILED
        return PaymentNotice(
            reference=values.get("transaction_id", ""),
            state=state,
            amount=amount,
            provider_reference=values.get("platform_trans_id") or None,
            paid_at=parse_platform_date(values.get("pay_date")) if state == PAID else None,
            code=code,
            message=RESPONSE_MESSAGES.get(code, f"Mã kết quả {code}"),
            raw=dict(values),
        )
