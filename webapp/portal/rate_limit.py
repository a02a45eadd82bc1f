"""The public endpoints' rate limits, read from the app's settings.

Counting happens in the database (engine/rate_limits/counters.py), so every web process shares
one limit per client.
"""

from __future__ import annotations

from flask import current_app, request

from engine.db import transaction
from engine.rate_limits.counters import RateLimit, hit
from webapp.extensions import db

#: (hits, window seconds): 20 lookups per two minutes and client IP
DEFAULT_LOOKUP_LIMIT = (20, 120)
#: verifying a signature fetches OCSP/CRL answers: 10 files per two minutes and client IP
DEFAULT_VERIFICATION_LIMIT = (10, 120)


def lookup_wait() -> float:
    """0 when this lookup may run, else the seconds the client must wait. Commits the count."""
    return _wait("lookup", "LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_LIMIT)


def verification_wait() -> float:
    """The same for the signature verification page."""
    return _wait("signature_verification", "VERIFICATION_RATE_LIMIT", DEFAULT_VERIFICATION_LIMIT)


def _wait(name: str, setting: str, default: tuple[int, int]) -> float:
    limit, window = current_app.config.get(setting, default)
    rule = RateLimit(name, int(limit), int(window))
    with transaction(db.session):
        return hit(db.session, rule, request.remote_addr or "unknown")
