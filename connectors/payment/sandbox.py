"""What every payment provider's sandbox does the same way, whatever its protocol.

The test hooks (`hold_ipn`, `down`, `transactions`, `ipn_log`), the one-use nonce that ties the
pay page's buttons to the transaction it shows, and the call to the merchant's notification
address with its answer logged. Each provider's sandbox adds its own paths, fields and signatures.
"""

from __future__ import annotations

import secrets
import threading

import requests
from flask import Flask

from connectors.sandbox_server import SandboxServer


class PaymentSandbox(SandboxServer):
    """Subclasses set their own attributes, then call `super().__init__(host, port)`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        #: don't send the notification on payment; the test calls send_ipn later
        self.hold_ipn = False
        #: answer 503 (the provider is down)
        self.down = False
        #: the provider's reference -> what the provider knows of the transaction
        self.transactions: dict[str, dict] = {}
        #: each notification sent: the reference, what was sent, the merchant's status and answer
        self.ipn_log: list[dict] = []
        self._pending: dict[str, object] = {}
        self._lock = threading.Lock()
        super().__init__(self._create_app(), host, port)

    def _create_app(self) -> Flask:
        raise NotImplementedError

    def page_nonce(self, shown: object) -> str:
        """A nonce for the pay page's form, redeemed once by `redeem_nonce`."""
        nonce = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[nonce] = shown
        return nonce

    def redeem_nonce(self, nonce: str) -> object | None:
        """What the page showed, or None for a nonce unknown or already used (pressed twice)."""
        with self._lock:
            return self._pending.pop(nonce, None)

    def deliver_ipn(self, entry: dict, method: str, url: str, timeout: float = 10, **sent) -> dict:
        """Call the merchant as the provider does; log and return `entry` with its answer: the
        HTTP status (None when unreachable), the body as text, and as JSON when it is JSON."""
        try:
            reply = requests.request(method, url, timeout=timeout, **sent)
            entry["status"] = reply.status_code
            entry["body"] = reply.text
            try:
                entry["answer"] = reply.json()
            except ValueError:
                entry["answer"] = {"body": reply.text}
        except requests.RequestException as error:
            entry["status"] = None
            entry["body"] = str(error)
            entry["answer"] = {"error": str(error)}
        with self._lock:
            self.ipn_log.append(entry)
        return entry
