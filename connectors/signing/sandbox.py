"""The certificate authority's public services on one local server: CRL, OCSP, RFC 3161 TSA.

    GET  /crl/root.crl            the root's CRL (DER, application/pkix-crl)
    POST /ocsp                    RFC 6960 request → response (application/ocsp-response)
    POST /tsa                     RFC 3161 TimeStampReq → TimeStampResp
                                  (application/timestamp-reply)

Test and demo controls (not part of any provider's protocol):

    POST /_sandbox/revoke {"serial": "hex"}    revoke a certificate from now on
    POST /_sandbox/down {"down": true}         answer 503 to everything (an outage)

`python -m connectors.signing.sandbox --directory var/signing` also issues the demo agency's
signing certificate (`agency.p12`) and a revoked one (`revoked.p12`) on first start.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from flask import Flask, Response, abort, request
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from connectors.sandbox_server import SandboxServer
from connectors.signing.authority import (
    CRL_PATH,
    OCSP_PATH,
    TSA_PATH,
    IssuedCertificate,
    LocalAuthority,
)

DEMO_PASSWORD = "motcua-demo"
DEMO_AGENCY = "Ủy ban nhân dân phường Phú Cường"
DEMO_ORGANISATION = "Tỉnh Bình Dương"


def create_authority_app(authority: LocalAuthority) -> Flask:
    app = Flask(__name__)
    state = {"down": False, "requests": []}
    app.extensions["signing_sandbox"] = state
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(authority.tsa.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            authority.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=[
            asn1_x509.Certificate.load(authority.root.public_bytes(serialization.Encoding.DER))
        ],
    )

    @app.before_request
    def outage():
        if state["down"] and not request.path.startswith("/_sandbox/"):
            abort(503)
        if not request.path.startswith("/_sandbox/"):
            state["requests"].append(request.path)

    @app.get(CRL_PATH)
    def crl():
        return Response(authority.crl(), mimetype="application/pkix-crl")

    @app.post(OCSP_PATH)
    def ocsp():
        return Response(
            authority.ocsp_response(request.get_data()), mimetype="application/ocsp-response"
        )

    @app.post(TSA_PATH)
    def timestamp():
        if request.mimetype != "application/timestamp-query":
            abort(415)
        try:
            query = tsp.TimeStampReq.load(request.get_data())
            query.native  # noqa: B018 - parses the whole structure, so bad input fails here
        except ValueError:
            abort(400)
        answer = stamper.request_tsa_response(query)
        return Response(answer.dump(), mimetype="application/timestamp-reply")

    @app.post("/_sandbox/revoke")
    def revoke():
        authority.revoke(int(request.get_json()["serial"], 16))
        return {"revoked": True}

    @app.post("/_sandbox/down")
    def down():
        state["down"] = bool(request.get_json().get("down", True))
        return {"down": state["down"]}

    return app


class SigningSandbox(SandboxServer):
    """The authority's services on a free port in a thread: `start()`, `base_url`, `stop()`."""

    def __init__(self, authority: LocalAuthority, host: str = "127.0.0.1", port: int = 0):
        super().__init__(create_authority_app(authority), host, port)
        self.authority = authority

    @property
    def tsa_url(self) -> str:
        return self.base_url + TSA_PATH

    @property
    def requests(self) -> list[str]:
        """The paths asked for, in order (CRL, OCSP, TSA)."""
        return self.app.extensions["signing_sandbox"]["requests"]

    def set_down(self, down: bool = True) -> None:
        self.app.extensions["signing_sandbox"]["down"] = down

    def issue(self, common_name: str, organisation: str = DEMO_ORGANISATION) -> IssuedCertificate:
        """A signing certificate whose revocation services are this sandbox."""
        return self.authority.issue_signing_certificate(
            common_name, organisation, self.base_url, DEMO_PASSWORD
        )


def demo_certificates(sandbox: SigningSandbox, directory: Path) -> None:
    """The demo agency's certificate, and a revoked one to try, written once as PKCS#12."""
    for name, revoked in (("agency", False), ("revoked", True)):
        path = directory / f"{name}.p12"
        if path.exists():
            continue
        label = DEMO_AGENCY if not revoked else f"{DEMO_AGENCY} (đã thu hồi)"
        issued = sandbox.issue(label)
        if revoked:
            sandbox.authority.revoke(issued.serial)
        path.write_bytes(issued.pkcs12)


def main() -> None:
    parser = argparse.ArgumentParser(description="Tổ chức chứng thực thử nghiệm: CRL, OCSP, TSA.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5010)
    parser.add_argument("--directory", default="var/signing")
    args = parser.parse_args()
    directory = Path(args.directory)
    sandbox = SigningSandbox(LocalAuthority.open(directory), args.host, args.port)
    demo_certificates(sandbox, directory)
    print(f"Tổ chức chứng thực thử nghiệm: {sandbox.base_url}", flush=True)
    print(f"  chứng thư ký số của cơ quan: {directory / 'agency.p12'} ({DEMO_PASSWORD})")
    sandbox.serve_forever()


if __name__ == "__main__":
    main()
