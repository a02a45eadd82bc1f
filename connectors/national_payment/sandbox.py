"""A local Nền tảng thanh toán (Cổng Dịch vụ công quốc gia), for tests and `make run`.

POST /api/v1/payments checks the checksum (key 1) and the bill_info, records the transaction and
answers the payer's address; GET /thanh-toan shows the fee lines with "Thanh toán" and "Hủy
giao dịch". The payer's choice records the outcome, sends the notification (a JSON POST signed
with key 2) to the registered address, then redirects the browser to return_url with the same
signed fields. POST /api/v1/payments/query answers, signed with key 2. Test hooks: `hold_ipn`,
`send_ipn(transaction_id)`, `down`, `transactions`, `ipn_log`, `signed_result`.

    python -m connectors.national_payment.sandbox --port 5003 --ipn-url http://127.0.0.1:5000/...
"""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, render_template_string, request

from connectors.national_payment.client import (
    CREATE_PATH,
    PAY_FIELDS,
    QUERY_FIELDS,
    QUERY_PATH,
    RESPONSE_MESSAGES,
    RESULT_FIELDS,
    SANDBOX_CLIENT_ID,
    SANDBOX_KEY_1,
    SANDBOX_KEY_2,
    VERSION,
    checksum,
    platform_date,
    verify,
)
from connectors.payment.sandbox import PaymentSandbox

DEFAULT_IPN_URL = "http://127.0.0.1:5000/ket-noi/thanh-toan/national_payment/ipn"
PAY_PATH = "/thanh-toan"
CONFIRM_PATH = "/thanh-toan/xac-nhan"
CREATE_REQUIRED = (
    "version",
    "command",
    "client_id",
    "transaction_id",
    "trans_amount",
    "return_url",
)

PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8">
<title>Nền tảng thanh toán — Cổng Dịch vụ công quốc gia (thử nghiệm)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; color: #1a1a1a; }
.card { border: 1px solid #d0d7de; border-radius: .5rem; padding: 1.5rem; }
.amount { font-size: 1.75rem; font-weight: 600; color: #b0151b; }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
td, th { border-bottom: 1px solid #eaeef2; padding: .4rem; text-align: left; }
td.number, th.number { text-align: right; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-top: 1.5rem; margin-right: .5rem; }
.pay { background: #b0151b; color: #fff; border: 0; border-radius: .3rem; }
.warn { background: #fff8c5; padding: .5rem; border-radius: .3rem; }
</style></head>
<body><div class="card">
<h1>Nền tảng thanh toán — Cổng Dịch vụ công quốc gia</h1>
<p class="warn">Môi trường thử nghiệm — không có tiền thật được chuyển.</p>
<p>Mã giao dịch của cơ quan: <strong>{{ transaction_id }}</strong>
{% if dossier_code %}<br>Hồ sơ: {{ dossier_code }}{% endif %}
{% if payer_name %}<br>Người nộp: {{ payer_name }}{% endif %}</p>
<table>
<thead><tr><th>Khoản thu</th><th class="number">Số tiền</th></tr></thead>
<tbody>
{% for line in bill_info %}
<tr><td>{{ line.name }}</td><td class="number">{{ line.amount }} ₫</td></tr>
{% endfor %}
</tbody>
</table>
<p>Tổng cộng: <span class="amount">{{ amount }} ₫</span></p>
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


def _money(amount: int | str) -> str:
    return f"{int(amount):,}".replace(",", ".")


class NationalPaymentSandbox(PaymentSandbox):
    """The sandbox served on a free port in a thread: `start()`, use `environment`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        ipn_url: str = DEFAULT_IPN_URL,
        client_id: str = SANDBOX_CLIENT_ID,
        key_1: str = SANDBOX_KEY_1,
        key_2: str = SANDBOX_KEY_2,
    ):
        self.ipn_url = ipn_url
        self.client_id = client_id
        self.key_1 = key_1
        self.key_2 = key_2
        self._tokens: dict[str, str] = {}
        self._next_trans_no = 26000000
        super().__init__(host, port)

    @property
    def settings(self) -> dict[str, str]:
        """The settings an administrator would store for provider `national_payment`."""
        return {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "key_1": self.key_1,
            "key_2": self.key_2,
            "version": VERSION,
        }

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_NATIONAL_PAYMENT_BASE_URL": self.base_url,
            "MOTCUA_NATIONAL_PAYMENT_CLIENT_ID": self.client_id,
            "MOTCUA_NATIONAL_PAYMENT_KEY_1": self.key_1,
            "MOTCUA_NATIONAL_PAYMENT_KEY_2": self.key_2,
        }

    # --- the notification -----------------------------------------------------------------------

    def signed_result(self, transaction_id: str, command: str = "notify") -> dict[str, str]:
        """The fields of the notification and the return (or a query answer), signed with key 2."""
        txn = self.transactions[transaction_id]
        fields = {
            "version": VERSION,
            "command": command,
            "client_id": self.client_id,
            "transaction_id": transaction_id,
            "trans_amount": txn["trans_amount"],
            "addition_fee": txn["addition_fee"],
            "platform_trans_id": txn["platform_trans_id"],
            "response_code": txn["response_code"],
            "pay_date": txn["pay_date"],
            "message": RESPONSE_MESSAGES.get(txn["response_code"], ""),
        }
        fields["checksum"] = checksum(fields, RESULT_FIELDS, self.key_2)
        return fields

    def send_ipn(self, transaction_id: str) -> dict:
        """POST the notification to the registered address; returns and logs the answer."""
        fields = self.signed_result(transaction_id)
        entry = {"transaction_id": transaction_id, "fields": fields}
        return self.deliver_ipn(entry, "POST", self.ipn_url, json=fields)

    # --- the app --------------------------------------------------------------------------------

    def _create_app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def platform_down():
            if self.down:
                return "Service Unavailable", 503
            return None

        @app.post(CREATE_PATH)
        def create():
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return jsonify(response_code="99", message="Yêu cầu không phải JSON"), 400
            code, message = self._create_problem(body)
            if code:
                return jsonify(response_code=code, message=message), 400
            token = secrets.token_urlsafe(16)
            with self._lock:
                self._next_trans_no += 1
                self.transactions[body["transaction_id"]] = {
                    "trans_amount": str(body["trans_amount"]),
                    "addition_fee": str(body.get("addition_fee") or "0"),
                    "bill_info": body.get("bill_info") or [],
                    "description": str(body.get("description") or ""),
                    "payer_name": str(body.get("payer_name") or ""),
                    "dossier_code": str(body.get("dossier_code") or ""),
                    "return_url": str(body["return_url"]),
                    "platform_trans_id": f"NTTT{self._next_trans_no}",
                    "response_code": "01",
                    "pay_date": "",
                }
                self._tokens[token] = body["transaction_id"]
            return jsonify(
                response_code="00",
                message="Khởi tạo giao dịch thành công",
                transaction_id=body["transaction_id"],
                platform_trans_id=self.transactions[body["transaction_id"]]["platform_trans_id"],
                payment_url=f"{self.base_url}{PAY_PATH}?token={token}",
            )

        @app.get(PAY_PATH)
        def pay_page():
            transaction_id = self._tokens.get(request.args.get("token", ""))
            if transaction_id is None:
                problem = "Đường dẫn thanh toán không hợp lệ hoặc đã hết hạn."
                return render_template_string(ERROR_PAGE, problem=problem), 404
            txn = self.transactions[transaction_id]
            if txn["response_code"] != "01":
                problem = "Giao dịch này đã được xử lý."
                return render_template_string(ERROR_PAGE, problem=problem), 400
            nonce = self.page_nonce(transaction_id)
            lines = [
                {"name": line.get("name", ""), "amount": _money(line.get("amount", 0))}
                for line in txn["bill_info"]
            ]
            return render_template_string(
                PAGE,
                transaction_id=transaction_id,
                dossier_code=txn["dossier_code"],
                payer_name=txn["payer_name"],
                bill_info=lines,
                amount=_money(txn["trans_amount"]),
                nonce=nonce,
                confirm_path=CONFIRM_PATH,
            )

        @app.post(CONFIRM_PATH)
        def confirm():
            transaction_id = self.redeem_nonce(request.form.get("nonce", ""))
            if transaction_id is None:
                problem = "Phiên thanh toán đã hết hạn hoặc đã được xử lý."
                return render_template_string(ERROR_PAGE, problem=problem), 400
            paid = request.form.get("action") == "pay"
            with self._lock:
                txn = self.transactions[transaction_id]
                txn["response_code"] = "00" if paid else "09"
                txn["pay_date"] = platform_date(datetime.now(UTC))
            if not self.hold_ipn:
                self.send_ipn(transaction_id)
            back = self.signed_result(transaction_id)
            return redirect(f"{txn['return_url']}?{urlencode(back)}")

        @app.post(QUERY_PATH)
        def query():
            body = request.get_json(silent=True)
            body = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
            if not verify(body, QUERY_FIELDS, self.key_1):
                return jsonify(self._query_answer(body, "97"))
            if body.get("client_id") != self.client_id:
                return jsonify(self._query_answer(body, "98"))
            if body.get("command") != "query":
                return jsonify(self._query_answer(body, "99"))
            transaction_id = body.get("transaction_id", "")
            if transaction_id not in self.transactions:
                return jsonify(self._query_answer(body, "91"))
            return jsonify(self.signed_result(transaction_id, command="query"))

        return app

    def _create_problem(self, body: dict) -> tuple[str, str]:
        if not verify(body, PAY_FIELDS, self.key_1):
            return "97", RESPONSE_MESSAGES["97"]
        missing = [key for key in CREATE_REQUIRED if not body.get(key)]
        if missing:
            return "99", f"Thiếu trường: {', '.join(missing)}"
        if body["client_id"] != self.client_id:
            return "98", RESPONSE_MESSAGES["98"]
        if body["version"] != VERSION or body["command"] != "pay":
            return "99", "Phiên bản hoặc lệnh không được hỗ trợ"
        amount = str(body["trans_amount"])
        if not amount.isdigit() or int(amount) <= 0:
            return "04", RESPONSE_MESSAGES["04"]
        lines = body.get("bill_info")
        if not isinstance(lines, list) or not lines:
            return "99", "Thiếu thông tin khoản thu (bill_info)"
        try:
            total = sum(int(line["amount"]) for line in lines if line.get("name"))
        except (KeyError, TypeError, ValueError, AttributeError):
            return "99", "Khoản thu (bill_info) không hợp lệ"
        if total != int(amount) or len([line for line in lines if line.get("name")]) != len(lines):
            return "04", "Tổng các khoản thu (bill_info) khác số tiền giao dịch"
        if body["transaction_id"] in self.transactions:
            return "94", RESPONSE_MESSAGES["94"]
        return "", ""

    def _query_answer(self, body: dict, code: str) -> dict[str, str]:
        answer = {
            "version": VERSION,
            "command": "query",
            "client_id": self.client_id,
            "transaction_id": body.get("transaction_id", ""),
            "trans_amount": "",
            "addition_fee": "",
            "platform_trans_id": "",
            "response_code": code,
            "pay_date": "",
            "message": RESPONSE_MESSAGES.get(code, ""),
        }
        answer["checksum"] = checksum(answer, RESULT_FIELDS, self.key_2)
        return answer


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Nền tảng thanh toán Cổng Dịch vụ công quốc gia thử nghiệm."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5003)
    parser.add_argument("--ipn-url", default=DEFAULT_IPN_URL)
    args = parser.parse_args()
    sandbox = NationalPaymentSandbox(args.host, args.port, ipn_url=args.ipn_url)
    print(
        f"Nền tảng thanh toán thử nghiệm: {sandbox.base_url} (thông báo → {args.ipn_url})",
        flush=True,
    )
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


__all__ = ["SANDBOX_CLIENT_ID", "SANDBOX_KEY_1", "SANDBOX_KEY_2", "NationalPaymentSandbox", "main"]

if __name__ == "__main__":
    main()
