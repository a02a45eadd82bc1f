"""What the worker records when the post office has taken an order (imported by the dispatcher
for this registration; engine/postal/shipments.py places the orders)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.outbox.models import OutboxMessage
from engine.outbox.waiting import CALL_ENDED
from engine.postal.models import PostalShipment
from engine.postal.shipments import OPERATION


def record_order(session: Session, message: OutboxMessage, result: dict | None) -> None:
    """The order code and the postage the post office charges go on the shipment."""
    shipment = session.get(PostalShipment, message.payload.get("shipment_id"))
    if shipment is None or result is None:
        return
    shipment.order_code = result["order_code"]
    shipment.postage = result.get("postage") or shipment.postage


CALL_ENDED[OPERATION] = record_order
