"""The remote-signing provider tells us a signer answered on their phone."""

from __future__ import annotations

import logging

from flask import request

from connectors.remote_signing.client import (
    SETTINGS_PROVIDER,
    SIGNATURE_HEADER,
    RemoteSigningSettings,
    callback_is_genuine,
)
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.signing.remote import signer_answered
from webapp.callbacks import bp
from webapp.extensions import csrf, db

log = logging.getLogger(__name__)


@bp.post("/ky-so-tu-xa/thong-bao")
@csrf.exempt
def remote_signature_answered():
    """Verified, recorded once, answered at once: the worker fetches and embeds the signature."""
    settings = RemoteSigningSettings.read(provider_settings(db.session, SETTINGS_PROVIDER))
    db.session.rollback()
    body = request.get_data()
    if not callback_is_genuine(body, request.headers.get(SIGNATURE_HEADER), settings):
        log.warning("remote signing callback with a bad signature")
        return {"error": "invalid signature"}, 401
    answer = request.get_json(silent=True) or {}
    transaction_id = str(answer.get("transaction_id") or "")
    if not transaction_id:
        return {"error": "transaction_id missing"}, 400
    with transaction(db.session):
        queued = signer_answered(db.session, transaction_id)
    return {"received": True, "queued": queued}, 200
