"""The Zalo OA webhook: events verified by their signature, answered at once.

A user's text becomes a queued reply (engine/dossiers/chat_lookup.py) that the worker sends;
every other event (follows, stickers, our own messages echoed back) is acknowledged and left.
"""

from __future__ import annotations

import logging

from flask import current_app, request

from connectors.zalo.client import SETTINGS_PROVIDER, zalo_settings
from connectors.zalo.webhooks import InvalidSignature, MalformedEvent, is_probe, read_event
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.dossiers.chat_lookup import CHAT_LOOKUP_LIMIT, queue_lookup_reply
from engine.rate_limits.counters import RateLimit
from webapp.callbacks import bp
from webapp.extensions import csrf, db

log = logging.getLogger(__name__)
ACKNOWLEDGED = {"error": 0, "message": "Success"}


@bp.post("/zalo/webhook")
@csrf.exempt
def zalo_webhook():
    settings = zalo_settings(provider_settings(db.session, SETTINGS_PROVIDER))
    db.session.rollback()
    body = request.get_data()
    if is_probe(body, request.headers):
        return ACKNOWLEDGED
    try:
        message = read_event(body, request.headers, settings).text_message
    except InvalidSignature as error:
        log.warning("Zalo event refused: %s", error)
        return {"error": -1, "message": "Invalid signature"}, 401
    except MalformedEvent:
        return {"error": -1, "message": "Malformed event"}, 400
    if message is not None:
        with transaction(db.session):
            queue_lookup_reply(
                db.session,
                user_id=message.user_id,
                msg_id=message.msg_id,
                text=message.text,
                rule=_rule(),
            )
    return ACKNOWLEDGED


def _rule() -> RateLimit:
    """ZALO_LOOKUP_RATE_LIMIT = (messages, seconds) per Zalo user, default 10 an hour."""
    default = (CHAT_LOOKUP_LIMIT.limit, CHAT_LOOKUP_LIMIT.window_seconds)
    limit, window = current_app.config.get("ZALO_LOOKUP_RATE_LIMIT", default)
    return RateLimit(CHAT_LOOKUP_LIMIT.scope, int(limit), int(window))
