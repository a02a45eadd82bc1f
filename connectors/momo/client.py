"""MoMo payment gateway (All-in-One, API v2) as a PaymentProvider.

`POST /v2/gateway/api/create` (requestType `captureWallet`) registers the order and answers the
`payUrl` the payer goes to; MoMo posts its IPN (JSON) to the `ipnUrl` given in that request and
expects HTTP 204; the browser comes back to `redirectUrl` with the same signed fields in the
query string; `POST /v2/gateway/api/query` tells a transaction's state (reconciliation). Every
signature is the lowercase hex HMAC-SHA256, with the secret key, of `key=value` pairs of a fixed
field list sorted by name and joined with '&', values raw (not URL-encoded); the accessKey is
signed but only sent in the create request. Settings come from Quản trị › Kết nối (provider
`momo`), then MOTCUA_MOMO_* variables, then the local sandbox (connectors/momo/sandbox.py).

Checked against MoMo's published Postman collection (field lists of create and query) and its
result-code and IPN pages, as republished; not run against MoMo's own test environment. Not
verified: whether MoMo retries an IPN answered other than 204 (we answer 400/404/500 for a bad
signature, an unknown order, an error, so a retry does no harm); the query answer carries no
signature in MoMo's samples, so it is trusted on TLS and checked for partnerCode and orderId;
resultCode 9000 (authorised, not yet captured) is treated as pending although MoMo says a
one-step payment may count it as paid: no e-receipt is issued before the money is captured,
and reconciliation keeps asking.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

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
    CallbackAnswer,
    InvalidSignature,
    MalformedCallback,
    PaymentNotice,
    PaymentOrder,
    PaymentStart,
)
from connectors.settings import ProviderSettings, Setting, declare

TIMEOUT = 30.0  # MoMo asks merchants to allow 30 s for create
REQUEST_TYPE = "captureWallet"
CREATE_PATH = "/v2/gateway/api/create"
QUERY_PATH = "/v2/gateway/api/query"

#: the local sandbox's credentials (connectors/momo/sandbox.py)
SANDBOX_PARTNER_CODE = "MOMOMOTCUA2026"
SANDBOX_ACCESS_KEY = "MOTCUAACCESSKEY1"
SANDBOX_SECRET_KEY = "MOTCUAMOMOSANDBOXSECRET0123456789"
SANDBOX_API_URL = "http://127.0.0.1:5004"

SETTINGS = declare(
    ProviderSettings(
        "momo",
        "Ví MoMo",
        (
            Setting(
                "partner_code",
                "Mã đối tác (partnerCode)",
                "MOTCUA_MOMO_PARTNER_CODE",
                default=SANDBOX_PARTNER_CODE,
            ),
            Setting(
                "access_key",
                "Access key (accessKey)",
                "MOTCUA_MOMO_ACCESS_KEY",
                default=SANDBOX_ACCESS_KEY,
            ),
            Setting(
                "secret_key",
                "Khóa bí mật ký (secretKey)",
                "MOTCUA_MOMO_SECRET_KEY",
                secret=True,
                default=SANDBOX_SECRET_KEY,
            ),
            Setting(
                "api_url",
                "Địa chỉ cổng thanh toán MoMo",
                "MOTCUA_MOMO_API_URL",
                default=SANDBOX_API_URL,
            ),
        ),
        sandbox="python -m connectors.momo.sandbox --port 5004 --ipn-url http://127.0.0.1:5000/ket-noi/thanh-toan/momo/ipn",
    )
)
SETTINGS_PROVIDER = SETTINGS.name

#: the signed fields of each message, as MoMo lists them (sorted by name when signing)
CREATE_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "ipnUrl",
    "orderId",
    "orderInfo",
    "partnerCode",
    "redirectUrl",
    "requestId",
    "requestType",
)
RESULT_FIELDS = (
    "accessKey",
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
)
QUERY_FIELDS = ("accessKey", "orderId", "partnerCode", "requestId")
CALLBACK_REQUIRED = ("partnerCode", "orderId", "amount", "resultCode", "signature")

#: resultCode meanings (MoMo's list of result codes), in words for the officer and the audit
RESULT_MESSAGES = {
    "0": "Giao dịch thành công",
    "10": "Hệ thống MoMo đang bảo trì",
    "11": "Truy cập bị từ chối",
    "12": "Phiên bản API không được hỗ trợ",
    "13": "Xác thực doanh nghiệp thất bại (sai khóa hoặc chữ ký)",
    "20": "Yêu cầu sai định dạng",
    "21": "Số tiền giao dịch không hợp lệ",
    "22": "Số tiền giao dịch nằm ngoài giới hạn",
    "40": "Trùng mã yêu cầu (requestId)",
    "41": "Trùng mã đơn hàng (orderId)",
    "42": "Không tìm thấy đơn hàng (orderId)",
    "43": "Đang có giao dịch tương tự được xử lý",
    "98": "Không tạo được mã QR",
    "99": "Lỗi không xác định",
    "1000": "Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán",
    "1001": "Tài khoản không đủ số dư",
    "1002": "Giao dịch bị từ chối bởi tổ chức phát hành",
    "1003": "Giao dịch bị hủy sau khi đã được cấp quyền",
    "1004": "Số tiền vượt hạn mức thanh toán ngày/tháng",
    "1005": "Đường dẫn hoặc mã QR đã hết hạn",
    "1006": "Người dùng đã từ chối xác nhận thanh toán",
    "1007": "Tài khoản người dùng không hoạt động hoặc không tồn tại",
    "1017": "Giao dịch bị hủy bởi đối tác",
    "1026": "Giao dịch bị hạn chế theo quy định khuyến mãi",
    "4001": "Tài khoản người dùng đang bị hạn chế",
    "4002": "Tài khoản người dùng chưa được xác thực",
    "4100": "Người dùng đăng nhập không thành công",
    "7000": "Giao dịch đang được xử lý",
    "7002": "Giao dịch đang được tổ chức cung cấp phương thức thanh toán xử lý",
    "8000": "Giao dịch đang chờ người dùng xác nhận lại",
    "9000": "Giao dịch đã được cấp quyền, chưa ghi nhận thanh toán",
}
#: not final: wait for the IPN or ask again
PENDING_CODES = {"1000", "7000", "7002", "8000", "9000"}
#: the request itself failed (a query or a create): says nothing about the payment
REQUEST_ERROR_CODES = {"10", "11", "12", "13", "20", "21", "22", "40", "41", "43", "45", "47", "99"}

#: the IPN's HTTP reply by the engine's outcome; MoMo documents 204 for a received IPN
ANSWERS = {
    CONFIRMED: 204,
    ALREADY_CONFIRMED: 204,
    ORDER_NOT_FOUND: 404,
    INVALID_AMOUNT: 400,
    BAD_SIGNATURE: 400,
}


@dataclass(frozen=True)
class MomoSettings:
    partner_code: str = SANDBOX_PARTNER_CODE
    access_key: str = SANDBOX_ACCESS_KEY
    secret_key: str = SANDBOX_SECRET_KEY
    api_url: str = SANDBOX_API_URL
    timeout: float = TIMEOUT


def momo_settings(
    stored: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> MomoSettings:
    """Stored settings win over MOTCUA_MOMO_* variables, which win over the sandbox's."""
    values = SETTINGS.values(stored, environ)
    if "api_url" in values:
        values["api_url"] = values["api_url"].rstrip("/")
    return MomoSettings(**values)


# --- signing ------------------------------------------------------------------------------------


def raw_signature(values: Mapping[str, object], fields: tuple[str, ...]) -> str:
    """MoMo's signed string: `key=value` of the fields sorted by name, '&'-joined, values raw."""
    return "&".join(f"{name}={_text(values.get(name))}" for name in sorted(fields))


def sign(values: Mapping[str, object], fields: tuple[str, ...], secret_key: str) -> str:
    data = raw_signature(values, fields).encode("utf-8")
    return hmac.new(secret_key.encode(), data, hashlib.sha256).hexdigest()


def verify(
    values: Mapping[str, object], fields: tuple[str, ...], access_key: str, secret_key: str
) -> bool:
    """Does `signature` match? The access key is ours, never taken from the message."""
    given = _text(values.get("signature")).lower()
    expected = sign({**values, "accessKey": access_key}, fields, secret_key)
    return bool(given) and hmac.compare_digest(given, expected)


def extra_data(order: PaymentOrder) -> str:
    """MoMo passes extraData back untouched: base64 JSON of the dossier, for the officer."""
    return base64.b64encode(json.dumps({"dossier": order.dossier_code}).encode()).decode()


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _from_millis(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value or "") / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _paid_at(values: Mapping[str, object]) -> datetime | None:
    """A query's lastUpdated is when the transaction changed; an IPN's responseTime is when it
    was sent, right after the payment."""
    return _from_millis(_text(values.get("lastUpdated") or values.get("responseTime")))


# --- the provider -------------------------------------------------------------------------------


class MomoProvider:
    """MoMo AIO v2 captureWallet: create, IPN and return verification, query to reconcile."""

    name = "momo"
    label = "Ví MoMo"

    def start(self, order: PaymentOrder, settings: Mapping[str, str]) -> PaymentStart:
        """Create the order at MoMo; it answers the payUrl."""
        config = momo_settings(settings)
        request: dict[str, object] = {
            "partnerCode": config.partner_code,
            "accessKey": config.access_key,
            "requestId": order.reference,
            "amount": int(order.amount),
            "orderId": order.reference,
            "orderInfo": order.description or order.reference,
            "redirectUrl": order.return_url,
            "ipnUrl": order.notify_url,
            "extraData": extra_data(order),
            "requestType": REQUEST_TYPE,
            "lang": "vi" if order.locale == "vn" else "en",
        }
        if order.fee_lines:
            request["items"] = [
                {
                    "id": str(number),
                    "name": line.name,
                    "price": int(line.amount),
                    "currency": "VND",
                    "quantity": 1,
                    "totalPrice": int(line.amount),
                }
                for number, line in enumerate(order.fee_lines, start=1)
            ]
        request["signature"] = sign(request, CREATE_FIELDS, config.secret_key)
        answer = self._post(config, CREATE_PATH, request, "create")
        code = answer.get("resultCode", "")
        if code != "0" or not answer.get("payUrl"):
            message = answer.get("message") or RESULT_MESSAGES.get(code, "")
            raise OperationFailed(f"MoMo create: {code} {message}")
        return PaymentStart(redirect_url=answer["payUrl"])

    def read_callback(
        self,
        query: Mapping[str, str],
        body: bytes,
        headers: Mapping[str, str],
        settings: Mapping[str, str],
    ) -> PaymentNotice:
        """The IPN: a JSON POST with its own signature."""
        try:
            params = json.loads(body or b"")
        except ValueError as error:
            raise MalformedCallback(f"IPN body is not JSON ({error})") from error
        if not isinstance(params, dict):
            raise MalformedCallback("IPN body is not a JSON object")
        return self._read_signed(params, momo_settings(settings))

    def read_return(self, query: Mapping[str, str], settings: Mapping[str, str]) -> PaymentNotice:
        """The redirect carries the IPN's fields and signature in the query string."""
        return self._read_signed(query, momo_settings(settings))

    def answer(self, outcome: str) -> CallbackAnswer:
        """204 No Content for a recorded IPN; an error status otherwise (nothing MoMo reads)."""
        status = ANSWERS.get(outcome, 500)
        return CallbackAnswer(status=status, body="")

    def query(
        self, reference: str, created_at: datetime, settings: Mapping[str, str]
    ) -> PaymentNotice:
        config = momo_settings(settings)
        request = {
            "partnerCode": config.partner_code,
            "accessKey": config.access_key,
            "requestId": f"Q{secrets.token_hex(12)}",
            "orderId": reference,
            "lang": "vi",
        }
        request["signature"] = sign(request, QUERY_FIELDS, config.secret_key)
        answer = self._post(config, QUERY_PATH, request, "query")
        code = answer.get("resultCode", "")
        if code == "42":
            return PaymentNotice(
                reference=reference,
                state=PENDING,
                amount=0,
                code=code,
                message=RESULT_MESSAGES["42"],
                raw=answer,
            )
        if code in REQUEST_ERROR_CODES or not code:
            raise OperationFailed(f"MoMo query: {code} {answer.get('message', '')}")
        if answer.get("partnerCode") != config.partner_code:
            raise OperationFailed("MoMo query: the answer is for another partner")
        if answer.get("orderId") != reference:
            raise OperationFailed("MoMo query: the answer is about another order")
        return self._notice(answer)

    # --- internals ------------------------------------------------------------------------------

    def _post(self, config: MomoSettings, path: str, request: dict, what: str) -> dict[str, str]:
        try:
            response = requests.post(config.api_url + path, json=request, timeout=config.timeout)
        except requests.RequestException as error:
            raise OperationFailed(f"MoMo {what}: {error}") from error
        data = json_answer(response, f"MoMo {what}")
        return {key: value if key == "refundTrans" else _text(value) for key, value in data.items()}

    def _read_signed(self, params: Mapping[str, object], config: MomoSettings) -> PaymentNotice:
        values = {key: _text(value) for key, value in params.items() if key != "accessKey"}
        if not values.get("signature"):
            raise MalformedCallback("signature missing")
        if not verify(values, RESULT_FIELDS, config.access_key, config.secret_key):
            raise InvalidSignature("signature does not verify")
        missing = [key for key in CALLBACK_REQUIRED if not values.get(key)]
        if missing:
            raise MalformedCallback(f"missing {', '.join(missing)}")
        if values["partnerCode"] != config.partner_code:
            raise InvalidSignature("partnerCode is not ours")
        return self._notice(values)

    def _notice(self, values: Mapping[str, object]) -> PaymentNotice:
        try:
            amount = int(_text(values.get("amount")) or "0")
        except ValueError as error:
            raise MalformedCallback(f"amount {values.get('amount')!r}") from error
        code = _text(values.get("resultCode"))
        if code == "0":
            state = PAID
        elif code in PENDING_CODES:
            state = PENDING
        else:
            state = FAILED
        trans_id = _text(values.get("transId"))
        return PaymentNotice(
            reference=_text(values.get("orderId")),
            state=state,
            amount=amount,
            provider_reference=trans_id if trans_id not in ("", "0") else None,
            paid_at=_paid_at(values) if state == PAID else None,
            code=code,
            message=RESULT_MESSAGES.get(code) or _text(values.get("message")) or code,
            raw={key: _text(value) for key, value in values.items()},
        )
