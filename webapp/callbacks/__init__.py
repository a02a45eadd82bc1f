"""What providers call: payment notifications (IPN), the payer's browser return, Zalo OA events,
the document-management system's file fetches and callbacks.

No session, no CSRF token: a provider's request proves itself by its signature, which the
provider's connector verifies before anything is read from it.
"""

from flask import Blueprint

bp = Blueprint("callbacks", __name__, url_prefix="/ket-noi")

from webapp.callbacks import (  # noqa: E402, F401
    document_management,
    payments,
    postal,
    remote_signing,
    zalo,
)
