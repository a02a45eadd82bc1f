"""A local remote-signing provider: it holds each signer's key (issued by the local certificate
authority, connectors/signing/sandbox.py) and plays the signer's phone.

The provider's paths are those of connectors/remote_signing/client.py. The phone is the page
`GET /` (the requests waiting, with Đồng ý / Từ chối), and for tests:

    POST /_sandbox/approve/<transaction_id>    sign, then notify the callback URL
    POST /_sandbox/reject/<transaction_id>     refuse, then notify
    POST /_sandbox/notify/<transaction_id>     notify again (a repeated callback)
"""

from __future__ import annotations

import argparse
import base64
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from flask import Flask, abort, render_template_string, request

from connectors.remote_signing.client import (
    SANDBOX_API_KEY,
    SANDBOX_CALLBACK_SECRET,
    SIGNATURE_HEADER,
)
from connectors.sandbox_server import SandboxServer, post_signed_callback
from connectors.signing.authority import IssuedCertificate, LocalAuthority
from connectors.signing.sandbox import DEMO_ORGANISATION, DEMO_PASSWORD

Issue = Callable[[str], IssuedCertificate]
#: the demo data's leaders (engine/demo.py), by the account the platform sends
DEMO_SIGNERS = {"lanhdao": "Phạm Thị Dung"}

PHONE = """<!doctype html><html lang="vi"><meta charset="utf-8"><title>Ứng dụng ký số</title>
<h1>Yêu cầu ký số đang chờ</h1>
{% for id, t in waiting %}<form method="post" action="/_sandbox/approve/{{ id }}">
<p><b>{{ t.user_id }}</b>: {{ t.description }}</p><button>Đồng ý ký</button>
<button formaction="/_sandbox/reject/{{ id }}">Từ chối</button></form>
{% else %}<p>Không có yêu cầu nào.</p>{% endfor %}</html>"""


def create_provider_app(issue: Issue, names: dict[str, str]) -> Flask:
    app = Flask(__name__)
    state = {"keys": {}, "transactions": {}, "callbacks": [], "down": False}
    app.extensions["remote_signing_sandbox"] = state
    lock = threading.Lock()

    @app.before_request
    def authorised():
        if request.path.startswith("/_sandbox") or request.path == "/":
            return None
        if state["down"]:
            abort(503)
        if request.headers.get("Authorization") != f"Bearer {SANDBOX_API_KEY}":
            return {"message": "unauthorised"}, 401
        return None

    def key_of(user_id: str):
        with lock:
            if user_id not in state["keys"]:
                issued = issue(names.get(user_id, user_id))
                key, certificate, _ = pkcs12.load_key_and_certificates(
                    issued.pkcs12, DEMO_PASSWORD.encode()
                )
                state["keys"][user_id] = (key, certificate)
            return state["keys"][user_id]

    @app.get("/v1/credentials/<user_id>")
    def credential(user_id: str):
        if user_id.startswith("khong-co-"):
            return {"message": "no such account"}, 404
        _key, certificate = key_of(user_id)
        return {"certificate": base64.b64encode(certificate.public_bytes(Encoding.DER)).decode()}

    @app.post("/v1/signatures")
    def create():
        body = request.get_json(silent=True) or {}
        if (
            not body.get("user_id")
            or not body.get("hash")
            or body.get("hash_algorithm") != "SHA256"
        ):
            return {"message": "user_id, hash and hash_algorithm SHA256 are required"}, 400
        key = request.headers.get("Idempotency-Key", "")
        with lock:
            for transaction_id, transaction in state["transactions"].items():
                if key and transaction["idempotency_key"] == key:
                    return {"transaction_id": transaction_id, "status": transaction["status"]}, 202
            transaction_id = uuid.uuid4().hex
            state["transactions"][transaction_id] = {
                **body,
                "idempotency_key": key,
                "status": "pending",
                "signature": None,
            }
        return {"transaction_id": transaction_id, "status": "pending"}, 202

    @app.get("/v1/signatures/<transaction_id>")
    def status(transaction_id: str):
        transaction = state["transactions"].get(transaction_id) or abort(404)
        return {
            "transaction_id": transaction_id,
            "status": transaction["status"],
            "signature": transaction["signature"],
        }

    @app.get("/")
    def phone():
        waiting = [(i, t) for i, t in state["transactions"].items() if t["status"] == "pending"]
        return render_template_string(PHONE, waiting=waiting)

    @app.post("/_sandbox/approve/<transaction_id>")
    def approve(transaction_id: str):
        transaction = state["transactions"].get(transaction_id) or abort(404)
        key, _certificate = key_of(transaction["user_id"])
        signature = key.sign(
            base64.b64decode(transaction["hash"]),
            padding.PKCS1v15(),
            utils.Prehashed(hashes.SHA256()),
        )
        transaction.update(status="approved", signature=base64.b64encode(signature).decode())
        return notify(transaction_id)

    @app.post("/_sandbox/reject/<transaction_id>")
    def reject(transaction_id: str):
        transaction = state["transactions"].get(transaction_id) or abort(404)
        transaction["status"] = "rejected"
        return notify(transaction_id)

    @app.post("/_sandbox/notify/<transaction_id>")
    def notify(transaction_id: str):
        transaction = state["transactions"].get(transaction_id) or abort(404)
        outcome = post_signed_callback(
            transaction["callback_url"],
            {"transaction_id": transaction_id, "status": transaction["status"]},
            SANDBOX_CALLBACK_SECRET,
            SIGNATURE_HEADER,
        )
        state["callbacks"].append({"transaction_id": transaction_id, "answer": outcome})
        return {"status": transaction["status"], "callback": outcome}

    return app


class RemoteSigningSandbox(SandboxServer):
    """`issue` makes a signer's certificate from their name (the local authority's); `names`
    maps a user id to the name on the certificate issued on its first use."""

    def __init__(self, issue: Issue, host: str = "127.0.0.1", port: int = 0):
        self.names: dict[str, str] = {}
        super().__init__(create_provider_app(issue, self.names), host, port)

    @property
    def _state(self) -> dict:
        return self.app.extensions["remote_signing_sandbox"]

    @property
    def transactions(self) -> dict[str, dict]:
        return self._state["transactions"]

    @property
    def callbacks(self) -> list[dict]:
        return self._state["callbacks"]

    def set_down(self, down: bool = True) -> None:
        self._state["down"] = down

    def answer(self, transaction_id: str, *, approve: bool) -> dict:
        """The signer taps Đồng ý or Từ chối on the phone (over HTTP, as the page does)."""
        action = "approve" if approve else "reject"
        return requests.post(
            f"{self.base_url}/_sandbox/{action}/{transaction_id}", timeout=10
        ).json()

    def notify_again(self, transaction_id: str) -> dict:
        return requests.post(f"{self.base_url}/_sandbox/notify/{transaction_id}", timeout=10).json()

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_REMOTE_SIGNING_BASE_URL": self.base_url,
            "MOTCUA_REMOTE_SIGNING_API_KEY": SANDBOX_API_KEY,
            "MOTCUA_REMOTE_SIGNING_CALLBACK_SECRET": SANDBOX_CALLBACK_SECRET,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Nhà cung cấp ký số từ xa thử nghiệm.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5012)
    parser.add_argument("--directory", default="var/signing")
    parser.add_argument("--authority-url", default="http://127.0.0.1:5010")
    args = parser.parse_args()
    authority = LocalAuthority.open(Path(args.directory))

    def issue(name: str) -> IssuedCertificate:
        # revocation answered by the authority's server `make run` starts on 5010
        return authority.issue_signing_certificate(
            name, DEMO_ORGANISATION, args.authority_url, DEMO_PASSWORD
        )

    sandbox = RemoteSigningSandbox(issue, args.host, args.port)
    sandbox.names.update(DEMO_SIGNERS)
    print(f"Ký số từ xa thử nghiệm: {sandbox.base_url} (điện thoại của người ký: /)", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
