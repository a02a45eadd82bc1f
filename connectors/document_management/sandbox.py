"""A local document-management system (QLVB) speaking the contract of
connectors/document_management/client.py, for tests and `make run`.

It checks the API key, records every submission, fetches each document from its URL over HTTP
(and checks its SHA-256), answers a repeated Idempotency-Key with the first submission, and can
be taken `down` (503). Its test hooks play the clerk: `issue` gives a submission its number and
date and stamps the files, `deliver` POSTs the signed callback (again for a duplicate, in any
order across submissions, or with a wrong signature).

    python -m connectors.document_management.sandbox --port 5011
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import threading
from datetime import date

import requests
from flask import Flask, jsonify, request

from connectors.document_management.client import (
    SANDBOX_API_KEY,
    SANDBOX_SHARED_SECRET,
    SIGNATURE_HEADER,
    body_signature,
)
from connectors.sandbox_server import SandboxServer


def create_provider_app(
    api_key: str = SANDBOX_API_KEY, shared_secret: str = SANDBOX_SHARED_SECRET
) -> Flask:
    """The system as a Flask app; its state is app.extensions["qlvb_sandbox"]."""
    app = Flask(__name__)
    lock = threading.Lock()
    ids = itertools.count(1)
    state: dict = {
        "api_key": api_key,
        "shared_secret": shared_secret,
        "requests": [],
        "submissions": {},
        "by_key": {},
        "down": False,
    }
    app.extensions["qlvb_sandbox"] = state

    def authorised() -> bool:
        return request.headers.get("Authorization") == f"Bearer {state['api_key']}"

    @app.post("/api/v1/documents")
    def submit():
        payload = request.get_json(silent=True)
        key = request.headers.get("Idempotency-Key", "")
        state["requests"].append({"idempotency_key": key, "payload": payload})
        if state["down"]:
            return jsonify(error="unavailable", message="Hệ thống đang bảo trì"), 503
        if not authorised():
            return jsonify(error="unauthorized", message="API key không hợp lệ"), 401
        if not key:
            return jsonify(error="idempotency_key_required", message="Thiếu Idempotency-Key"), 400
        if not isinstance(payload, dict) or not payload.get("documents"):
            return jsonify(error="no_documents", message="Không có văn bản nào để cấp số"), 422
        with lock:
            if key in state["by_key"]:
                return jsonify(id=state["by_key"][key]), 202
        fetched = []
        for document in payload["documents"]:
            try:
                answer = requests.get(document["url"], timeout=10)
            except requests.RequestException:
                return jsonify(error="fetch_failed", message="Không tải được văn bản"), 502
            if answer.status_code != 200:
                return jsonify(error="fetch_failed", message="Không tải được văn bản"), 502
            if hashlib.sha256(answer.content).hexdigest() != document.get("sha256"):
                return jsonify(error="checksum_mismatch", message="Văn bản không khớp mã băm"), 422
            fetched.append({**document, "content": answer.content})
        with lock:
            if key in state["by_key"]:
                return jsonify(id=state["by_key"][key]), 202
            submission_id = f"QLVB-{next(ids):05d}"
            state["by_key"][key] = submission_id
            state["submissions"][submission_id] = {
                "id": submission_id,
                "reference": key,
                "payload": payload,
                "fetched": fetched,
                "state": "pending",
            }
        return jsonify(id=submission_id), 202

    @app.get("/api/v1/documents/<submission_id>")
    def status(submission_id: str):
        if state["down"]:
            return jsonify(error="unavailable", message="Hệ thống đang bảo trì"), 503
        if not authorised():
            return jsonify(error="unauthorized", message="API key không hợp lệ"), 401
        submission = state["submissions"].get(submission_id)
        if submission is None:
            return jsonify(error="not_found", message="Không tìm thấy văn bản"), 404
        if submission["state"] != "issued":
            return jsonify(id=submission_id, state="pending")
        return jsonify(state="issued", **submission["issued"])

    return app


class DocumentManagementSandbox(SandboxServer):
    """The system served on a free port in a thread: `start()`, use `base_url`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = SANDBOX_API_KEY,
        shared_secret: str = SANDBOX_SHARED_SECRET,
    ):
        super().__init__(create_provider_app(api_key, shared_secret), host, port)
        self.api_key = api_key
        self.shared_secret = shared_secret

    @property
    def _state(self) -> dict:
        return self.app.extensions["qlvb_sandbox"]

    @property
    def requests(self) -> list[dict]:
        """Every submission request received, in order: {"idempotency_key", "payload"}."""
        return self._state["requests"]

    @property
    def submissions(self) -> list[dict]:
        """The accepted submissions, in order, with the files fetched for each."""
        return list(self._state["submissions"].values())

    def set_down(self, down: bool = True) -> None:
        """Answer every request with 503 (an outage) until set up again."""
        self._state["down"] = down

    def issue(self, submission_id: str, number: str, issued_on: date) -> dict:
        """The clerk numbers and signs the submission: each file comes back stamped."""
        submission = self._state["submissions"][submission_id]
        submission["state"] = "issued"
        submission["issued"] = {
            "reference": submission["reference"],
            "id": submission_id,
            "number": number,
            "issued_on": issued_on.isoformat(),
            "documents": [
                {
                    "document_id": item["document_id"],
                    "filename": _issued_name(item["filename"]),
                    "content_base64": base64.b64encode(_stamped(item["content"], number)).decode(),
                }
                for item in submission["fetched"]
            ],
        }
        return submission["issued"]

    def deliver(self, submission_id: str, *, secret: str | None = None) -> requests.Response:
        """POST the issued submission to its callback URL, signed (with `secret` to forge it)."""
        submission = self._state["submissions"][submission_id]
        body = json.dumps(submission["issued"], ensure_ascii=False).encode()
        signature = body_signature(secret or self.shared_secret, body)
        return requests.post(
            submission["payload"]["callback_url"],
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
            timeout=30,
        )

    @property
    def settings(self) -> dict[str, str]:
        """The stored settings of provider `qlvb` that point at this sandbox."""
        return {
            "base_url": self.base_url,
            "api_key": self.api_key,
            "shared_secret": self.shared_secret,
        }

    @property
    def environment(self) -> dict[str, str]:
        return {
            "MOTCUA_QLVB_BASE_URL": self.base_url,
            "MOTCUA_QLVB_API_KEY": self.api_key,
            "MOTCUA_QLVB_SHARED_SECRET": self.shared_secret,
        }


def _stamped(content: bytes, number: str) -> bytes:
    """The numbered copy: the original bytes with the number appended (a PDF comment)."""
    return content + f"\n%QLVB số {number}\n".encode()


def _issued_name(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-da-cap-so.{extension}" if dot else f"{filename}-da-cap-so"


def main() -> None:
    parser = argparse.ArgumentParser(description="Hệ thống quản lý văn bản thử nghiệm.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5011)
    args = parser.parse_args()
    sandbox = DocumentManagementSandbox(args.host, args.port)
    print(f"Hệ thống quản lý văn bản thử nghiệm: {sandbox.base_url}", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
