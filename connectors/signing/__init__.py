"""PAdES signing with the agency's certificate and an RFC 3161 timestamp (client.py), and the
local certificate authority with its CRL, OCSP and TSA for the demo and the tests (sandbox.py).

Importing the package declares the provider `signing` on Quản trị › Kết nối; the operation that
signs a dossier's stored result file is the engine's (engine/signing/results.py).
"""

from connectors.signing import client  # noqa: F401
