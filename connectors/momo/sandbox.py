"""A local MoMo payment gateway (AIO v2, captureWallet), for tests and `make run`.

POST /v2/gateway/api/create checks the partner's signature and answers a payUrl; the pay page
shows the order with "Xác nhận thanh toán" and "Hủy giao dịch". The payer's choice records the
result (0 paid, 1006 refused by the user), posts the signed IPN (JSON) to the order's ipnUrl,
or to `--ipn-url` when given, then redirects the browser to redirectUrl with the same signed
fields. POST /v2/gateway/api/query answers the transaction's state. A wrong signature is
refused with resultCode 13, an unknown order with 42, a repeated orderId with 41. Test hooks:
`hold_ipn`, `send_ipn(order_id)`, `down`, `transactions`, `ipn_log`, `signed_result`.

    python -m connectors.momo.sandbox --port 5004 --ipn-url http://127.0.0.1:5000/...
"""

from __future__ import annotations

import argparse
import secrets
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, render_template_string, request

from connectors.momo.client import (
    CREATE_FIELDS,
    CREATE_PATH,
    QUERY_FIELDS,
    QUERY_PATH,
    REQUEST_TYPE,
    RESULT_FIELDS,
    RESULT_MESSAGES,
    SANDBOX_ACCESS_KEY,
    SANDBOX_PARTNER_CODE,
    SANDBOX_SECRET_KEY,
    sign,
)
from connectors.payment.sandbox import PaymentSandbox

PAY_PATH = "/v2/gateway/pay"
CONFIRM_PATH = "/v2/gateway/pay/xac-nhan"
CREATE_REQUIRED = (
    "partnerCode",
    "requestId",
    "amount",
    "orderId",
    "orderInfo",
    "redirectUrl",
    "ipnUrl",
    "requestType",
    "signature",
)
#: captureWallet's limits, đồng
MIN_AMOUNT = 1_000
MAX_AMOUNT = 50_000_000

PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Cổng thanh toán MoMo (thử nghiệm)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; color: #1a1a1a; }
.card { border: 1px solid #d0d7de; border-radius: .5rem; padding: 1.5rem; }
.amount { font-size: 1.75rem; font-weight: 600; color: #a50064; }
dt { color: #57606a; margin-top: .75rem; } dd { margin: 0; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-top: 1.5rem; margin-right: .5rem; }
.pay { background: #a50064; color: #fff; border: 0; border-radius: .3rem; }
.warn { background: #fff8c5; padding: .5rem; border-radius: .3rem; }
</style></head>
<body><div class="card">
<h1>Cổng thanh toán MoMo</h1>
<p class="warn">Môi trường thử nghiệm — không có tiền thật được chuyển.</p>
<dl>
<dt>Số tiền</dt><dd class="amount">{{ amount }} ₫</dd>
<dt>Nội dung thanh toán</dt><dd>{{ order_info }}</dd>
<dt>Mã đơn hàng</dt><dd>{{ order_id }}</dd>
<dt>Ví</dt><dd>Ví MoMo thử nghiệm 0919 100 100</dd>
</dl>
<form method="post" action="{{ confirm_path }}">
<input type="hidden" name="nonce" value="{{ nonce }}">
<button class="pay" name="action" value="pay">Xác nhận thanh toán</button>
<button name="action" value="cancel">Hủy giao dịch</button>
</form>
</div></body></html>
"""

ERROR_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Lỗi thanh toán</title></head>
<body><h1>Không thể thực hiện giao dịch</h1><p>{{ problem }}</p></body></html>
"""


def _millis() -> int:
    return int(time.time() * 1000)


class MomoSandbox(PaymentSandbox):
    """The sandbox served on a free port in a thread: `start()`, use `environment`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        ipn_url: str | None = None,
        partner_code: str = SANDBOX_PARTNER_CODE,
        access_key: str = SANDBOX_ACCESS_KEY,
        secret_key: str = SANDBOX_SECRET_KEY,
    ):
        #: where IPNs go instead of each order's ipnUrl, when set
        self.ipn_url = ipn_url
        self.partner_code = partner_code
        self.access_key = access_key
        self.secret_key = secret_key
        self._tokens: dict[str, str] = {}
        self._next_trans_id = 4_100_000_000
        super().__init__(host, port)

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def settings(self) -> dict[str, str]:
        """The settings an administrator would store for provider `momo`."""
        return {
            "partner_code": self.partner_code,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "api_url": self.api_url,
        }

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_MOMO_PARTNER_CODE": self.partner_code,
            "MOTCUA_MOMO_ACCESS_KEY": self.access_key,
            "MOTCUA_MOMO_SECRET_KEY": self.secret_key,
            "MOTCUA_MOMO_API_URL": self.api_url,
        }

    # --- the IPN --------------------------------------------------------------------------------

    def signed_result(self, order_id: str) -> dict[str, object]:
        """The IPN's JSON fields (also the redirect's query), signed as MoMo signs them."""
        txn = self.transactions[order_id]
        fields: dict[str, object] = {
            "partnerCode": self.partner_code,
            "orderId": order_id,
            "requestId": txn["request_id"],
            "amount": txn["amount"],
            "orderInfo": txn["order_info"],
            "orderType": "momo_wallet",
            "transId": txn["trans_id"],
            "resultCode": txn["result_code"],
            "message": RESULT_MESSAGES.get(str(txn["result_code"]), ""),
            "payType": "qr",
            "responseTime": txn["response_time"],
            "extraData": txn["extra_data"],
        }
        fields["signature"] = sign(
            {**fields, "accessKey": self.access_key}, RESULT_FIELDS, self.secret_key
        )
        return fields

    def send_ipn(self, order_id: str) -> dict:
        """POST the IPN as MoMo does; returns and logs the merchant's answer."""
        fields = self.signed_result(order_id)
        target = self.ipn_url or self.transactions[order_id]["ipn_url"]
        entry = {"order_id": order_id, "fields": fields, "url": target}
        return self.deliver_ipn(entry, "POST", target, timeout=15, json=fields)

    # --- the app --------------------------------------------------------------------------------

    def _create_app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def momo_down():
            if self.down:
                return "Service Unavailable", 503
            return None

        @app.post(CREATE_PATH)
        def create():
            body = request.get_json(silent=True)
            body = body if isinstance(body, dict) else {}
            code = self._create_problem(body)
            if code:
                return jsonify(self._answer(body, code)), 400
            order_id = str(body["orderId"])
            token = secrets.token_urlsafe(16)
            with self._lock:
                self.transactions[order_id] = {
                    "request_id": str(body["requestId"]),
                    "amount": int(body["amount"]),
                    "order_info": str(body["orderInfo"]),
                    "redirect_url": str(body["redirectUrl"]),
                    "ipn_url": str(body["ipnUrl"]),
                    "extra_data": str(body.get("extraData") or ""),
                    "items": body.get("items") or [],
                    "result_code": 1000,
                    "trans_id": 0,
                    "response_time": _millis(),
                }
                self._tokens[token] = order_id
            answer = self._answer(body, 0)
            answer.update(amount=int(body["amount"]), payUrl=f"{self.base_url}{PAY_PATH}?t={token}")
            return jsonify(answer)

        @app.get(PAY_PATH)
        def pay_page():
            order_id = self._tokens.get(request.args.get("t", ""))
            if order_id is None or self.transactions[order_id]["result_code"] != 1000:
                problem = "Đường dẫn thanh toán không hợp lệ hoặc đã được sử dụng."
                return render_template_string(ERROR_PAGE, problem=problem), 400
            nonce = self.page_nonce(order_id)
            txn = self.transactions[order_id]
            return render_template_string(
                PAGE,
                amount=f"{txn['amount']:,}".replace(",", "."),
                order_info=txn["order_info"],
                order_id=order_id,
                nonce=nonce,
                confirm_path=CONFIRM_PATH,
            )

        @app.post(CONFIRM_PATH)
        def confirm():
            order_id = self.redeem_nonce(request.form.get("nonce", ""))
            if order_id is None:
                problem = "Phiên thanh toán đã hết hạn hoặc đã được xử lý."
                return render_template_string(ERROR_PAGE, problem=problem), 400
            paid = request.form.get("action") == "pay"
            with self._lock:
                txn = self.transactions[order_id]
                self._next_trans_id += 1
                txn["result_code"] = 0 if paid else 1006
                txn["trans_id"] = self._next_trans_id
                txn["response_time"] = _millis()
            if not self.hold_ipn:
                self.send_ipn(order_id)
            back = self.signed_result(order_id)
            return redirect(f"{txn['redirect_url']}?{urlencode(back)}")

        @app.post(QUERY_PATH)
        def query():
            body = request.get_json(silent=True)
            body = body if isinstance(body, dict) else {}
            expected = sign({**body, "accessKey": self.access_key}, QUERY_FIELDS, self.secret_key)
            if body.get("partnerCode") != self.partner_code or body.get("signature") != expected:
                return jsonify(self._answer(body, 13)), 400
            txn = self.transactions.get(str(body.get("orderId", "")))
            if txn is None:
                return jsonify(self._answer(body, 42))
            answer = self._answer(body, txn["result_code"])
            answer.update(
                extraData=txn["extra_data"],
                amount=txn["amount"],
                transId=txn["trans_id"],
                payType="qr",
                refundTrans=[],
                lastUpdated=txn["response_time"],
            )
            return jsonify(answer)

        return app

    def _create_problem(self, body: dict) -> int:
        if any(body.get(key) in (None, "") for key in CREATE_REQUIRED):
            return 20
        if body["partnerCode"] != self.partner_code:
            return 13
        if body.get("accessKey") != self.access_key:
            return 13
        expected = sign(body, CREATE_FIELDS, self.secret_key)
        if str(body["signature"]) != expected:
            return 13
        if body["requestType"] != REQUEST_TYPE:
            return 20
        try:
            amount = int(body["amount"])
        except (TypeError, ValueError):
            return 21
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            return 22
        if str(body["orderId"]) in self.transactions:
            return 41
        return 0

    def _answer(self, body: dict, code: int) -> dict:
        return {
            "partnerCode": self.partner_code,
            "orderId": str(body.get("orderId", "")),
            "requestId": str(body.get("requestId", "")),
            "resultCode": code,
            "message": RESULT_MESSAGES.get(str(code), ""),
            "responseTime": _millis(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Cổng thanh toán MoMo thử nghiệm (AIO v2).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5004)
    parser.add_argument(
        "--ipn-url", default="", help="send IPNs here instead of each order's ipnUrl"
    )
    args = parser.parse_args()
    sandbox = MomoSandbox(args.host, args.port, ipn_url=args.ipn_url or None)
    target = args.ipn_url or "ipnUrl của từng đơn hàng"
    print(f"Cổng thanh toán MoMo thử nghiệm: {sandbox.base_url} (IPN → {target})", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


__all__ = [
    "SANDBOX_ACCESS_KEY",
    "SANDBOX_PARTNER_CODE",
    "SANDBOX_SECRET_KEY",
    "MomoSandbox",
    "main",
]

if __name__ == "__main__":
    main()
