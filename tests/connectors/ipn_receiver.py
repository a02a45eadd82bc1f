"""A merchant's notification endpoint for provider tests: a real HTTP server that reads each
call with the provider under test and answers through `provider.answer`, as webapp/callbacks
does, without a database."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from connectors.payment.contract import (
    BAD_SIGNATURE,
    CONFIRMED,
    ERROR,
    InvalidSignature,
    MalformedCallback,
    PaymentProvider,
)


class IpnReceiver:
    """Records each call (method, query, body, the notice read) and answers it."""

    def __init__(self, provider: PaymentProvider):
        self.provider = provider
        self.calls: list[dict] = []
        self.settings: dict[str, str] = {}
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        port = self._server.server_port
        self.url = f"http://127.0.0.1:{port}/ket-noi/thanh-toan/{provider.name}/ipn"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @Request.application
    def _app(self, request: Request) -> Response:
        query = dict(request.args.items())
        body = request.get_data()
        call: dict = {"method": request.method, "query": query, "body": body}
        try:
            call["notice"] = self.provider.read_callback(
                query, body, request.headers, self.settings
            )
            outcome = CONFIRMED
        except InvalidSignature:
            outcome = BAD_SIGNATURE
        except MalformedCallback:
            outcome = ERROR
        call["outcome"] = outcome
        self.calls.append(call)
        reply = self.provider.answer(outcome)
        return Response(reply.body, status=reply.status, content_type=reply.content_type)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
