"""A local post office speaking connectors/vnpost/client.py's contract.

Postage: 22.000 đồng up to 500 g, 3.000 đồng each further 500 g, 5.000 đồng more between
provinces (the address names a different province from the sender's); illustrative figures,
not VNPost's tariff. Test and demo controls, not part of the contract:

    POST /_sandbox/advance/<order_code> {"status", "attempts"?}   set a status and call back
    POST /_sandbox/notify/<order_code>  {"status"}                 call back with any status
                                                                   (a late or repeated one)
    POST /_sandbox/down {"down": true}                             answer 503 to everything
"""

from __future__ import annotations

import argparse
import secrets
import threading

import requests
from flask import Flask, abort, render_template_string, request

from connectors.sandbox_server import SandboxServer, post_signed_callback
from connectors.vnpost.client import (
    SANDBOX_CALLBACK_SECRET,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SIGNATURE_HEADER,
    STATUSES,
)

DESK = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>Bưu điện thử nghiệm</title>
<h1>Bưu điện thử nghiệm</h1><table border="1" cellpadding="4">
<tr><th>Mã vận đơn</th><th>Loại</th><th>Người gửi → người nhận</th><th>Trạng thái</th><th></th></tr>
{% for code, o in orders.items() %}<tr><td>{{ code }}</td><td>{{ o.kind }}</td>
<td>{{ o.sender.address }} → {{ o.receiver.address }}</td><td>{{ o.status }}</td><td>
{% for s in ("ACCEPTED", "DELIVERED", "RETURNED") %}<form method="post"
action="/_sandbox/advance/{{ code }}"><input type="hidden" name="status" value="{{ s }}">
<input type="hidden" name="attempts" value="{{ 2 if s == 'RETURNED' else 0 }}">
<button>{{ s }}</button></form>{% endfor %}</td></tr>
{% else %}<tr><td colspan="5">Chưa có yêu cầu nào.</td></tr>{% endfor %}</table></html>"""

PROVINCES = ("Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Bình Dương")


def postage(from_address: str, to_address: str, weight: int) -> int:
    extra = max(0, (max(weight, 1) - 1) // 500)
    same = _province(from_address) == _province(to_address)
    return 22_000 + 3_000 * extra + (0 if same else 5_000)


def _province(address: str) -> str | None:
    return next((name for name in PROVINCES if name.lower() in address.lower()), None)


def create_post_office_app() -> Flask:
    app = Flask(__name__)
    state = {"orders": {}, "tokens": set(), "callbacks": [], "down": False, "requests": []}
    app.extensions["vnpost_sandbox"] = state
    lock = threading.Lock()

    @app.before_request
    def guard():
        if request.path.startswith("/_sandbox") or request.path == "/":
            return None
        if state["down"]:
            abort(503)
        state["requests"].append(request.path)
        if request.path == "/oauth/token":
            return None
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in state["tokens"]:
            return {"message": "invalid token"}, 401
        return None

    @app.post("/oauth/token")
    def token():
        body = request.get_json(silent=True) or {}
        if (body.get("client_id"), body.get("client_secret")) != (
            SANDBOX_CLIENT_ID,
            SANDBOX_CLIENT_SECRET,
        ):
            return {"message": "invalid client"}, 401
        issued = secrets.token_hex(16)
        state["tokens"].add(issued)
        return {"access_token": issued, "expires_in": 3600}

    @app.post("/api/v1/quotes")
    def quote():
        body = request.get_json(silent=True) or {}
        if not body.get("from_address") or not body.get("to_address"):
            return {"message": "from_address and to_address are required"}, 400
        weight = int(body.get("weight_grams") or 500)
        return {"postage": postage(body["from_address"], body["to_address"], weight)}

    @app.post("/api/v1/orders")
    def create():
        body = request.get_json(silent=True) or {}
        missing = [f for f in ("reference", "kind", "sender", "receiver") if not body.get(f)]
        if missing or body["kind"] not in ("pickup", "delivery"):
            return {"message": f"missing or wrong: {', '.join(missing) or 'kind'}"}, 400
        key = request.headers.get("Idempotency-Key", "")
        with lock:
            for code, order in state["orders"].items():
                if key and order["idempotency_key"] == key:
                    return {"order_code": code, "postage": order["postage"]}, 200
            code = f"EH{len(state['orders']) + 1:07d}VN"
            state["orders"][code] = {
                **body,
                "idempotency_key": key,
                "status": "CREATED",
                "attempts": 0,
                "postage": postage(
                    body["sender"].get("address", ""),
                    body["receiver"].get("address", ""),
                    int(body.get("weight_grams") or 500),
                ),
            }
        return {"order_code": code, "postage": state["orders"][code]["postage"]}, 201

    @app.get("/api/v1/orders/<code>")
    def track(code: str):
        order = state["orders"].get(code) or abort(404)
        return {"order_code": code, "status": order["status"], "attempts": order["attempts"]}

    @app.post("/api/v1/orders/<code>/cancel")
    def cancel(code: str):
        order = state["orders"].get(code) or abort(404)
        if order["status"] in ("DELIVERED", "RETURNED"):
            return {"message": "already handed over"}, 409
        order["status"] = "CANCELLED"
        return {"status": "CANCELLED"}

    @app.get("/")
    def counter():
        """The post office's desk for the demo: each order, and buttons to move it on."""
        return render_template_string(DESK, orders=state["orders"])

    @app.post("/_sandbox/advance/<code>")
    def advance(code: str):
        order = state["orders"].get(code) or abort(404)
        body = request.get_json(silent=True) or request.form.to_dict()
        if body.get("status") not in STATUSES:
            abort(400)
        order["status"] = body["status"]
        order["attempts"] = int(body.get("attempts", order["attempts"]))
        return deliver_callback(code, order["status"])

    @app.post("/_sandbox/notify/<code>")
    def notify(code: str):
        (state["orders"].get(code) or abort(404))
        return deliver_callback(code, (request.get_json(silent=True) or {}).get("status"))

    @app.post("/_sandbox/down")
    def down():
        state["down"] = bool((request.get_json(silent=True) or {}).get("down", True))
        return {"down": state["down"]}

    def deliver_callback(code: str, status: str) -> dict:
        order = state["orders"][code]
        outcome = post_signed_callback(
            order["callback_url"],
            {
                "order_code": code,
                "reference": order["reference"],
                "status": status,
                "attempts": order["attempts"],
            },
            SANDBOX_CALLBACK_SECRET,
            SIGNATURE_HEADER,
        )
        state["callbacks"].append({"order_code": code, "status": status, "answer": outcome})
        return {"status": status, "callback": outcome}

    return app


class VnpostSandbox(SandboxServer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__(create_post_office_app(), host, port)

    @property
    def _state(self) -> dict:
        return self.app.extensions["vnpost_sandbox"]

    @property
    def orders(self) -> dict[str, dict]:
        return self._state["orders"]

    @property
    def callbacks(self) -> list[dict]:
        return self._state["callbacks"]

    def set_down(self, down: bool = True) -> None:
        self._state["down"] = down

    def advance(self, order_code: str, status: str, attempts: int | None = None) -> dict:
        """The post office moves the order on and calls back (over HTTP, as it would)."""
        body = {"status": status} | ({"attempts": attempts} if attempts is not None else {})
        return requests.post(
            f"{self.base_url}/_sandbox/advance/{order_code}", json=body, timeout=10
        ).json()

    def notify(self, order_code: str, status: str) -> dict:
        """A callback for `status` whatever the order's state: late, repeated, out of order."""
        return requests.post(
            f"{self.base_url}/_sandbox/notify/{order_code}", json={"status": status}, timeout=10
        ).json()

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_VNPOST_BASE_URL": self.base_url,
            "MOTCUA_VNPOST_CLIENT_ID": SANDBOX_CLIENT_ID,
            "MOTCUA_VNPOST_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
            "MOTCUA_VNPOST_CALLBACK_SECRET": SANDBOX_CALLBACK_SECRET,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Bưu điện thử nghiệm (VNPost).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5009)
    args = parser.parse_args()
    sandbox = VnpostSandbox(args.host, args.port)
    print(f"Bưu điện thử nghiệm: {sandbox.base_url}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
