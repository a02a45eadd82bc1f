"""A local VNPay that speaks API 2.1.0, for tests and `make run`.

GET /paymentv2/vpcpay.html checks the merchant's signature and shows the payment page; the
payer's choice (pay or cancel) records the transaction, sends the IPN (GET, signed vnp_*
parameters) to the merchant's registered IPN address, then redirects the browser to
vnp_ReturnUrl with the same parameters. POST /merchant_webapi/api/transaction answers querydr,
signed. Test hooks: `hold_ipn`, `send_ipn(txn_ref)`, `down`, `transactions`, `ipn_log`.

    python -m connectors.vnpay.sandbox --port 5002 --ipn-url http://127.0.0.1:5000/...
"""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, render_template_string, request

from connectors.payment.sandbox import PaymentSandbox
from connectors.vnpay.client import (
    QUERY_REQUEST_FIELDS,
    QUERY_RESPONSE_FIELDS,
    RESPONSE_MESSAGES,
    SANDBOX_HASH_SECRET,
    SANDBOX_TMN_CODE,
    VERSION,
    sign,
    sign_fields,
    verify,
    vnpay_date,
)

DEFAULT_IPN_URL = "http://127.0.0.1:5000/ket-noi/thanh-toan/vnpay/ipn"
PAY_PATH = "/paymentv2/vpcpay.html"
CONFIRM_PATH = "/paymentv2/xac-nhan"
API_PATH = "/merchant_webapi/api/transaction"
BANK_CODE = "NCB"
PAY_REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
)

PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Cổng thanh toán VNPay (thử nghiệm)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; color: #1a1a1a; }
.card { border: 1px solid #d0d7de; border-radius: .5rem; padding: 1.5rem; }
.amount { font-size: 1.75rem; font-weight: 600; color: #005baa; }
dt { color: #57606a; margin-top: .75rem; } dd { margin: 0; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-top: 1.5rem; margin-right: .5rem; }
.pay { background: #005baa; color: #fff; border: 0; border-radius: .3rem; }
.warn { background: #fff8c5; padding: .5rem; border-radius: .3rem; }
</style></head>
<body><div class="card">
<h1>Cổng thanh toán VNPay</h1>
<p class="warn">Môi trường thử nghiệm — không có tiền thật được chuyển.</p>
<dl>
<dt>Số tiền</dt><dd class="amount">{{ amount }} ₫</dd>
<dt>Nội dung thanh toán</dt><dd>{{ order_info }}</dd>
<dt>Mã giao dịch của đơn vị</dt><dd>{{ txn_ref }}</dd>
<dt>Ngân hàng</dt><dd>NCB — Ngân hàng Quốc Dân (thẻ thử nghiệm)</dd>
</dl>
<form method="post" action="{{ confirm_path }}">
<input type="hidden" name="nonce" value="{{ nonce }}">
<button class="pay" name="action" value="pay">Thanh toán</button>
<button name="action" value="cancel">Hủy giao dịch</button>
</form>
</div></body></html>
"""

ERROR_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Lỗi thanh toán</title></head>
<body><h1>Không thể thực hiện giao dịch</h1><p>{{ problem }}</p></body></html>
"""


class VnpaySandbox(PaymentSandbox):
    """The sandbox served on a free port in a thread: `start()`, use `environment`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        ipn_url: str = DEFAULT_IPN_URL,
        tmn_code: str = SANDBOX_TMN_CODE,
        hash_secret: str = SANDBOX_HASH_SECRET,
    ):
        self.ipn_url = ipn_url
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self._next_transaction_no = 14000000
        super().__init__(host, port)

    @property
    def pay_url(self) -> str:
        return self.base_url + PAY_PATH

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    @property
    def settings(self) -> dict[str, str]:
        """The settings an administrator would store for provider `vnpay`."""
        return {
            "tmn_code": self.tmn_code,
            "hash_secret": self.hash_secret,
            "pay_url": self.pay_url,
            "api_url": self.api_url,
        }

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_VNPAY_TMN_CODE": self.tmn_code,
            "MOTCUA_VNPAY_HASH_SECRET": self.hash_secret,
            "MOTCUA_VNPAY_PAY_URL": self.pay_url,
            "MOTCUA_VNPAY_API_URL": self.api_url,
        }

    # --- the IPN --------------------------------------------------------------------------------

    def signed_result(self, txn_ref: str) -> dict[str, str]:
        """The signed vnp_* parameters of the IPN and the return, for a recorded transaction."""
        txn = self.transactions[txn_ref]
        params = {
            "vnp_Amount": txn["amount"],
            "vnp_BankCode": BANK_CODE,
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": txn["order_info"],
            "vnp_PayDate": txn["pay_date"],
            "vnp_ResponseCode": txn["response_code"],
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": txn["transaction_no"],
            "vnp_TransactionStatus": txn["status"],
            "vnp_TxnRef": txn_ref,
        }
        if txn["response_code"] == "00":
            params["vnp_BankTranNo"] = f"VNP{txn['transaction_no']}"
        params["vnp_SecureHash"] = sign(params, self.hash_secret)
        return params

    def send_ipn(self, txn_ref: str) -> dict:
        """Call the merchant's IPN address as VNPay does (GET); returns and logs its answer."""
        params = self.signed_result(txn_ref)
        entry = {"txn_ref": txn_ref, "params": params}
        return self.deliver_ipn(entry, "GET", self.ipn_url, params=params)

    # --- the app --------------------------------------------------------------------------------

    def _create_app(self) -> Flask:
        app = Flask(__name__)

        @app.get(PAY_PATH)
        def pay_page():
            if self.down:
                return "Service Unavailable", 503
            params = {k: v for k, v in request.args.items() if k.startswith("vnp_")}
            problem = self._pay_problem(params)
            if problem:
                return render_template_string(ERROR_PAGE, problem=problem), 400
            nonce = self.page_nonce(params)
            with self._lock:
                self.transactions.setdefault(
                    params["vnp_TxnRef"],
                    {
                        "amount": params["vnp_Amount"],
                        "order_info": params["vnp_OrderInfo"],
                        "create_date": params["vnp_CreateDate"],
                        "response_code": "01",
                        "status": "01",
                        "transaction_no": "0",
                        "pay_date": "",
                    },
                )
            amount = f"{int(params['vnp_Amount']) // 100:,}".replace(",", ".")
            return render_template_string(
                PAGE,
                amount=amount,
                order_info=params["vnp_OrderInfo"],
                txn_ref=params["vnp_TxnRef"],
                nonce=nonce,
                confirm_path=CONFIRM_PATH,
            )

        @app.post(CONFIRM_PATH)
        def confirm():
            params = self.redeem_nonce(request.form.get("nonce", ""))
            if params is None:
                problem = "Phiên thanh toán đã hết hạn hoặc đã được xử lý."
                return render_template_string(ERROR_PAGE, problem=problem), 400
            paid = request.form.get("action") == "pay"
            txn_ref = params["vnp_TxnRef"]
            with self._lock:
                self._next_transaction_no += 1
                self.transactions[txn_ref] = {
                    "amount": params["vnp_Amount"],
                    "order_info": params["vnp_OrderInfo"],
                    "create_date": params["vnp_CreateDate"],
                    "response_code": "00" if paid else "24",
                    "status": "00" if paid else "02",
                    "transaction_no": str(self._next_transaction_no) if paid else "0",
                    "pay_date": vnpay_date(datetime.now(UTC)),
                }
            if not self.hold_ipn:
                self.send_ipn(txn_ref)
            back = self.signed_result(txn_ref)
            return redirect(f"{params['vnp_ReturnUrl']}?{urlencode(back)}")

        @app.post(API_PATH)
        def transaction_api():
            if self.down:
                return "Service Unavailable", 503
            body = request.get_json(silent=True) or {}
            body = {key: str(value) for key, value in body.items()}
            if body.get("vnp_Command") != "querydr":
                return jsonify(self._query_answer(body, "02", "Yêu cầu không hợp lệ"))
            expected = sign_fields(body, QUERY_REQUEST_FIELDS, self.hash_secret)
            if body.get("vnp_SecureHash", "").lower() != expected:
                return jsonify(self._query_answer(body, "97", RESPONSE_MESSAGES["97"]))
            if body.get("vnp_TmnCode") != self.tmn_code:
                return jsonify(self._query_answer(body, "02", "Mã website không đúng"))
            txn = self.transactions.get(body.get("vnp_TxnRef", ""))
            if txn is None:
                return jsonify(self._query_answer(body, "91", RESPONSE_MESSAGES["91"]))
            return jsonify(self._query_answer(body, "00", "QueryDR Success", txn))

        return app

    def _pay_problem(self, params: dict[str, str]) -> str | None:
        if not verify(params, self.hash_secret):
            return "Sai chữ ký (vnp_SecureHash) — mã lỗi 97."
        missing = [key for key in PAY_REQUIRED if not params.get(key)]
        if missing:
            return f"Thiếu tham số: {', '.join(missing)}."
        if params["vnp_TmnCode"] != self.tmn_code:
            return "Website chưa được phê duyệt (vnp_TmnCode không đúng)."
        if params["vnp_Version"] != VERSION or params["vnp_Command"] != "pay":
            return "Phiên bản hoặc lệnh không được hỗ trợ."
        if not params["vnp_Amount"].isdigit() or params["vnp_CurrCode"] != "VND":
            return "Số tiền hoặc đơn vị tiền tệ không hợp lệ."
        if not params["vnp_OrderInfo"].isascii():
            return "Nội dung thanh toán không được có dấu tiếng Việt."
        if params["vnp_TxnRef"] in self.transactions and (
            self.transactions[params["vnp_TxnRef"]]["response_code"] != "01"
        ):
            return "Mã giao dịch (vnp_TxnRef) đã được sử dụng."
        return None

    def _query_answer(self, body: dict, code: str, message: str, txn: dict | None = None) -> dict:
        answer = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": "querydr",
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
        }
        if txn is not None:
            answer.update(
                vnp_Amount=txn["amount"],
                vnp_BankCode=BANK_CODE,
                vnp_PayDate=txn["pay_date"],
                vnp_TransactionNo=txn["transaction_no"],
                vnp_TransactionType="01",
                vnp_TransactionStatus=txn["status"],
                vnp_OrderInfo=txn["order_info"],
                vnp_PromotionCode="",
                vnp_PromotionAmount="",
            )
        answer["vnp_SecureHash"] = sign_fields(answer, QUERY_RESPONSE_FIELDS, self.hash_secret)
        return answer


def main() -> None:
    parser = argparse.ArgumentParser(description="Cổng thanh toán VNPay thử nghiệm (API 2.1.0).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    parser.add_argument("--ipn-url", default=DEFAULT_IPN_URL)
    args = parser.parse_args()
    sandbox = VnpaySandbox(args.host, args.port, ipn_url=args.ipn_url)
    print(
        f"Cổng thanh toán VNPay thử nghiệm: {sandbox.base_url} (IPN → {args.ipn_url})", flush=True
    )
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


__all__ = ["SANDBOX_HASH_SECRET", "SANDBOX_TMN_CODE", "VnpaySandbox", "main"]

if __name__ == "__main__":
    main()
