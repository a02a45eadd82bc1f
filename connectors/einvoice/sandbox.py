"""A local e-invoice provider speaking the contract of connectors/einvoice/client.py, for tests
and `make run`.

It checks the API key and the payload (lines non-empty, each amount a non-negative integer,
the total equal to their sum), numbers invoices 0000001, 0000002..., returns the first invoice
again for a repeated Idempotency-Key, records every request, and can be taken `down` (503).

    python -m connectors.einvoice.sandbox --port 5005   # then MOTCUA_EINVOICE_BASE_URL=...
"""

from __future__ import annotations

import argparse
import secrets
import threading
from datetime import UTC, datetime

from flask import Flask, jsonify, request

from connectors.sandbox_server import SandboxServer

SANDBOX_API_KEY = "motcua-einvoice-sandbox-key"


def create_provider_app(api_key: str = SANDBOX_API_KEY) -> Flask:
    """The provider as a Flask app; its state is app.extensions["einvoice_sandbox"]."""
    app = Flask(__name__)
    lock = threading.Lock()
    state: dict = {"api_key": api_key, "invoices": {}, "requests": [], "down": False, "next": 1}
    app.extensions["einvoice_sandbox"] = state

    @app.post("/api/invoices")
    def issue():
        payload = request.get_json(silent=True)
        key = request.headers.get("Idempotency-Key", "")
        state["requests"].append({"idempotency_key": key, "payload": payload})
        if state["down"]:
            return jsonify(error="unavailable", message="Hệ thống đang bảo trì"), 503
        if request.headers.get("Authorization") != f"Bearer {state['api_key']}":
            return jsonify(error="unauthorized", message="API key không hợp lệ"), 401
        if not key:
            return jsonify(error="idempotency_key_required", message="Thiếu Idempotency-Key"), 400
        problem = _payload_problem(payload)
        if problem:
            return jsonify(error="invalid_invoice", message=problem), 422
        with lock:
            if key in state["invoices"]:
                return jsonify(state["invoices"][key]), 200
            invoice = {
                "invoice_number": f"{state['next']:07d}",
                "lookup_code": secrets.token_hex(6).upper(),
                "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            state["next"] += 1
            state["invoices"][key] = invoice
        return jsonify(invoice), 201

    return app


def _payload_problem(payload: object) -> str | None:
    """What is wrong with an invoice request, in the words the provider answers with."""
    if not isinstance(payload, dict):
        return "Nội dung không phải JSON"
    for field in ("seller", "buyer", "lines", "total"):
        if field not in payload:
            return f"Thiếu trường {field}"
    lines = payload["lines"]
    if not isinstance(lines, list) or not lines:
        return "Hóa đơn phải có ít nhất một dòng"
    amounts = []
    for line in lines:
        amount = line.get("amount") if isinstance(line, dict) else None
        if not isinstance(line, dict) or not line.get("name"):
            return "Dòng hóa đơn thiếu tên"
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            return "Số tiền của dòng không hợp lệ"
        amounts.append(amount)
    if payload["total"] != sum(amounts):
        return "Tổng tiền không bằng tổng các dòng"
    return None


class EinvoiceSandbox(SandboxServer):
    """The provider served on a free port in a thread: `start()`, use `base_url`, `stop()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, api_key: str = SANDBOX_API_KEY):
        super().__init__(create_provider_app(api_key), host, port)
        self.api_key = api_key

    @property
    def _state(self) -> dict:
        return self.app.extensions["einvoice_sandbox"]

    @property
    def requests(self) -> list[dict]:
        """Every request received, in order: {"idempotency_key", "payload"}."""
        return self._state["requests"]

    @property
    def invoices(self) -> dict[str, dict]:
        """The invoices issued, by idempotency key."""
        return self._state["invoices"]

    def set_down(self, down: bool = True) -> None:
        """Answer every request with 503 (an outage) until set up again."""
        self._state["down"] = down

    @property
    def settings(self) -> dict[str, str]:
        """The stored settings of provider `einvoice` that point at this sandbox."""
        return {"base_url": self.base_url, "api_key": self.api_key}

    @property
    def environment(self) -> dict[str, str]:
        return {"MOTCUA_EINVOICE_BASE_URL": self.base_url, "MOTCUA_EINVOICE_API_KEY": self.api_key}


def main() -> None:
    parser = argparse.ArgumentParser(description="Nhà cung cấp hóa đơn điện tử thử nghiệm.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args()
    sandbox = EinvoiceSandbox(args.host, args.port)
    print(f"Hóa đơn điện tử thử nghiệm: {sandbox.base_url}", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
