"""Remote signing (ký số từ xa): the signer's key stays with a licensed provider (the model of
VNPT SmartCA, Viettel MySign); the platform sends a hash, the signer approves on their phone,
the provider answers with the signature value. The client is `client.py`, the local provider
`sandbox.py`; the operations that use it are the engine's (engine/signing/remote.py)."""

from connectors.remote_signing import client  # noqa: F401
