"""The post office's status notifications for pick-ups and deliveries."""

from __future__ import annotations

import logging

from flask import request

from connectors.vnpost.client import (
    SETTINGS_PROVIDER,
    SIGNATURE_HEADER,
    VnpostSettings,
    callback_is_genuine,
)
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.postal.shipments import apply_provider_status
from webapp.callbacks import bp
from webapp.extensions import csrf, db

log = logging.getLogger(__name__)


@bp.post("/vnpost/trang-thai")
@csrf.exempt
def postal_status():
    """Verified, applied under the shipment's lock (a repeat or a late status changes nothing),
    answered at once."""
    settings = VnpostSettings.read(provider_settings(db.session, SETTINGS_PROVIDER))
    db.session.rollback()
    body = request.get_data()
    if not callback_is_genuine(body, request.headers.get(SIGNATURE_HEADER), settings):
        log.warning("VNPost status callback with a bad signature")
        return {"error": "invalid signature"}, 401
    notice = request.get_json(silent=True) or {}
    if not notice.get("order_code") or not notice.get("status"):
        return {"error": "order_code and status are required"}, 400
    with transaction(db.session):
        moved = apply_provider_status(
            db.session,
            str(notice["order_code"]),
            str(notice["status"]),
            int(notice.get("attempts") or 0),
        )
    return {"received": True, "applied": moved}, 200
