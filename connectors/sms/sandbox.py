"""A local brandname SMS gateway that keeps what it receives, for tests and `make run`.

POST /sms/send, the contract of connectors/sms/client.py. A repeated `request_id` answers the
first message_id and sends nothing, as a deduplicating gateway does for a worker's retry after a
crash. Codes: "00" sent, "01" bad phone number, "02" missing text; 401 for a wrong API key or
Basic credentials. Test hook: `down` (503).

    python -m connectors.sms.sandbox --port 5007
"""

from __future__ import annotations

import argparse
import secrets
import threading

from flask import Flask, jsonify, request

from connectors.sandbox_server import SandboxServer

SANDBOX_API_KEY = "motcua-sms-key"
SANDBOX_BRANDNAME = "UBND-MOTCUA"


class SmsSandbox(SandboxServer):
    """The gateway on a free port in a thread: `start()`, read `messages`, `stop()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_key: str = SANDBOX_API_KEY,
        basic: tuple[str, str] | None = None,
    ):
        self.api_key = api_key
        self.basic = basic
        #: every message sent, as received, with its message_id
        self.messages: list[dict] = []
        #: every request that reached the gateway, duplicates included
        self.requests = 0
        self.down = False
        self._sent: dict[str, str] = {}
        self._lock = threading.Lock()
        super().__init__(self._create_app(), host, port)

    @property
    def environment(self) -> dict[str, str]:
        """The settings that point motcua's SMS connector at this gateway."""
        return {
            "MOTCUA_SMS_URL": f"{self.base_url}/sms/send",
            "MOTCUA_SMS_API_KEY": self.api_key,
            "MOTCUA_SMS_BRANDNAME": SANDBOX_BRANDNAME,
        }

    def _authorised(self) -> bool:
        if self.basic is not None:
            given = request.authorization
            return given is not None and (given.username, given.password) == self.basic
        return secrets.compare_digest(request.headers.get("X-Api-Key", ""), self.api_key)

    def _create_app(self) -> Flask:
        app = Flask(__name__)

        @app.post("/sms/send")
        def send():
            if self.down:
                return jsonify(code="99", message="Service unavailable"), 503
            if not self._authorised():
                return jsonify(code="401", message="Unauthorized"), 401
            body = request.get_json(silent=True) or {}
            to, text = str(body.get("to", "")), str(body.get("text", ""))
            request_id = str(body.get("request_id", ""))
            with self._lock:
                self.requests += 1
                if request_id and request_id in self._sent:
                    return jsonify(
                        code="00", message="Duplicate", message_id=self._sent[request_id]
                    )
            if not (to.isdigit() and to.startswith("84") and len(to) == 11):
                return jsonify(code="01", message="Invalid phone number")
            if not text:
                return jsonify(code="02", message="Empty text")
            message_id = secrets.token_hex(12)
            with self._lock:
                self._sent[request_id] = message_id
                self.messages.append({**body, "message_id": message_id})
            return jsonify(code="00", message="Success", message_id=message_id)

        return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Cổng SMS thử nghiệm của motcua.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5007)
    args = parser.parse_args()
    sandbox = SmsSandbox(args.host, args.port)
    print(f"Cổng SMS thử nghiệm: {sandbox.base_url}/sms/send", flush=True)
    for name, value in sandbox.environment.items():
        print(f"  export {name}={value}", flush=True)
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
