"""What providers call: payment notifications (IPN), the payer's browser return, Zalo OA events.

No session, no CSRF token: a provider's request proves itself by its signature, which the
provider's connector verifies before anything is read from it.
"""

from flask import Blueprint

bp = Blueprint("callbacks", __name__, url_prefix="/ket-noi")

from webapp.callbacks import payments, remote_signing, zalo  # noqa: E402, F401
