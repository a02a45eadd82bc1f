"""The worker's tracking poll: ask the post office about shipments it has not finished.

A status callback can be lost (our server down while the post office gave up); every minute the
worker asks about open orders last heard of more than ten minutes ago and applies the answer
exactly as a callback would be applied (engine/postal/shipments.py `apply_provider_status`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.contract import OperationFailed, OperationRefused
from connectors.vnpost.client import SETTINGS_PROVIDER, VnpostSettings, order_status
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.postal.models import PostalShipment
from engine.postal.shipments import apply_provider_status
from engine.timestamps import utcnow

log = logging.getLogger(__name__)

QUIET = timedelta(minutes=10)
EVERY_SECONDS = 60


def track_shipments(session_factory: sessionmaker[Session], *, quiet: timedelta = QUIET) -> int:
    """One sweep; how many orders the post office was asked about."""
    now = utcnow()
    with session_factory() as session, transaction(session):
        rows = session.execute(
            select(PostalShipment.id, PostalShipment.order_code)
            .where(
                PostalShipment.order_code.is_not(None),
                PostalShipment.status.in_((1, 2)),
                PostalShipment.updated_at <= now - quiet,
                or_(PostalShipment.checked_at.is_(None), PostalShipment.checked_at <= now - quiet),
            )
            .order_by(PostalShipment.id)
            .limit(50)
            .with_for_update(skip_locked=True)
        ).all()
        for shipment_id, _ in rows:
            session.get(PostalShipment, shipment_id).checked_at = now
        settings = VnpostSettings.read(provider_settings(session, SETTINGS_PROVIDER))
    for _, order_code in rows:
        try:
            answer = order_status(order_code, settings)
        except (OperationFailed, OperationRefused) as error:
            log.warning("tracking %s: %s", order_code, error)
            continue
        with session_factory() as session, transaction(session):
            apply_provider_status(
                session, order_code, str(answer.get("status")), int(answer.get("attempts") or 0)
            )
    return len(rows)
