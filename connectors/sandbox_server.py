"""The HTTP server every provider sandbox runs on: a free port, a thread, a clean stop.

A sandbox (VNPay, e-invoice, Zalo, SMS, the national identity provider...) is a small Flask app
speaking its provider's protocol. Tests start it in a thread on port 0 and talk to it over real
HTTP; `make run` serves it in the foreground with `serve_forever`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from typing import Self

import requests
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class SandboxServer:
    """Serve `app` on host:port (0 for a free one); subclasses add their provider's controls."""

    def __init__(
        self,
        app: Flask,
        host: str = "127.0.0.1",
        port: int = 0,
        request_handler: type[WSGIRequestHandler] | None = None,
    ):
        self.app = app
        self._server = make_server(host, port, app, threaded=True, request_handler=request_handler)
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the command line), until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the port; stopping twice is harmless."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


def post_signed_callback(url: str, message: dict, secret: str, header: str) -> int | str:
    """Call a platform back as a provider does: the JSON body signed in `header` as
    `sha256=<HMAC-SHA256 of the raw body>`; the answer's status code, or why it failed."""
    body = json.dumps(message)
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    try:
        return requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", header: f"sha256={mac}"},
            timeout=10,
        ).status_code
    except requests.RequestException as error:
        return str(error)
