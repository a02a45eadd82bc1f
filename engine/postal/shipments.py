"""Ordering pick-ups and deliveries from the post office, and following their statuses.

At submission the citizen chooses pick-up of the dossier from their address, delivery of the
result to it, or both, having seen the postage. A pick-up is ordered at once; a delivery when
the result is ready. The post office's callbacks (and the worker's tracking poll) move each
shipment through the brief's statuses 1 → 2 → 3, never backwards: a status arriving twice or
after a later one changes nothing, so the history and the notices say each thing once. When the
pick-up reaches 3 the dossier is with the agency: that moment is its legal receipt time, and
the one-stop can receive it only from then.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.notices import public_base_url
from engine.errors import InvalidInput
from engine.outbox.models import OutboxMessage
from engine.postal.models import (
    CANCELLED,
    DELIVERY,
    NOT_ORDERED,
    PICKUP,
    RETURNED,
    PostalShipment,
)
from engine.timestamps import utcnow

OPERATION = "vnpost/create-order"
CANCEL_OPERATION = "vnpost/cancel-order"
CALLBACK_PATH = "/ket-noi/vnpost/trang-thai"
#: the post office's status -> the shipment's
PROVIDER_STATUS = {"CREATED": 1, "ACCEPTED": 2, "DELIVERED": 3, "RETURNED": RETURNED}
#: the order statuses may only move forwards
_ORDER = {NOT_ORDERED: 0, 1: 1, 2: 2, 3: 3, RETURNED: 4, CANCELLED: 5}


@dataclass(frozen=True)
class PostalChoice:
    """What the citizen chose at submission, with the postage they were shown."""

    pickup: bool
    delivery: bool
    address: str
    phone: str
    pickup_postage: int = 0
    delivery_postage: int = 0

    def check(self) -> None:
        if not (self.pickup or self.delivery):
            return
        errors = {}
        if len(self.address.strip()) < 10:
            errors["postal_address"] = "Nhập địa chỉ đầy đủ (số nhà, đường, phường/xã, tỉnh)."
        if not self.phone.strip().isdigit() or not 9 <= len(self.phone.strip()) <= 11:
            errors["postal_phone"] = "Nhập số điện thoại để bưu tá liên hệ."
        if errors:
            raise InvalidInput("Thông tin bưu chính chưa đầy đủ.", errors)


def agency_address(agency: Agency) -> str:
    """Where the post office hands dossiers over and collects results: the agency's one-stop."""
    return f"Bộ phận Một cửa, {agency.name}"


def request_postal_services(session: Session, dossier: Dossier, choice: PostalChoice) -> None:
    """The shipments the citizen chose; the pick-up is ordered now."""
    choice.check()
    for direction, wanted, postage in (
        (PICKUP, choice.pickup, choice.pickup_postage),
        (DELIVERY, choice.delivery, choice.delivery_postage),
    ):
        if not wanted:
            continue
        shipment = PostalShipment(
            dossier_id=dossier.id,
            direction=direction,
            status=1 if direction == PICKUP else NOT_ORDERED,
            address=choice.address.strip()[:500],
            phone=choice.phone.strip()[:20],
            recipient=dossier.applicant_name,
            postage=postage,
        )
        session.add(shipment)
        session.flush()
        if direction == PICKUP:
            _order(session, dossier, shipment)


def order_result_delivery(session: Session, dossier: Dossier) -> None:
    """The result is ready: order its delivery if the citizen asked for one."""
    shipment = _shipment(dossier, DELIVERY)
    if shipment is not None and shipment.status == NOT_ORDERED:
        shipment.status = 1
        shipment.updated_at = utcnow()
        _order(session, dossier, shipment)


def cancel_open_shipments(session: Session, dossier: Dossier) -> None:
    """The dossier ended (withdrawn, refused): what the post office has not done yet is called
    off, ordered or not; a shipment already under way is cancelled at the post office too."""
    for shipment in dossier.postal_shipments:
        if shipment.status not in (NOT_ORDERED, 1, 2):
            continue
        if shipment.order_code is not None:
            session.add(
                OutboxMessage(
                    dossier_id=dossier.id,
                    operation=CANCEL_OPERATION,
                    payload={"shipment_id": shipment.id, "order_code": shipment.order_code},
                    idempotency_key=f"postal-cancel-{shipment.id}",
                )
            )
        shipment.status = CANCELLED
        shipment.updated_at = utcnow()


def ensure_posted_in(session: Session, dossier: Dossier) -> None:
    """Reception of a dossier the post office fetches waits for the hand-over (status 3)."""
    pickup = _shipment(dossier, PICKUP)
    if pickup is not None and pickup.status not in (3, CANCELLED):
        message = (
            "Hồ sơ gửi qua bưu chính chưa được bưu điện chuyển đến cơ quan: chỉ tiếp nhận sau "
            "khi bưu điện bàn giao hồ sơ."
        )
        raise InvalidInput(message, {"_form": message})


def _shipment(dossier: Dossier, direction: str) -> PostalShipment | None:
    """From the shipments the step's lock read with the dossier (a lazy load otherwise)."""
    return next((row for row in dossier.postal_shipments if row.direction == direction), None)


def shipments_of(session: Session, dossier_id: int) -> list[PostalShipment]:
    return list(
        session.scalars(
            select(PostalShipment)
            .where(PostalShipment.dossier_id == dossier_id)
            .order_by(PostalShipment.direction.desc())
        )
    )


def apply_provider_status(
    session: Session, order_code: str, provider_status: str, attempts: int = 0
) -> bool:
    """A status from the post office, by callback or poll, under the shipment's row lock.
    True when it moved the shipment on; False for a repeat, a late one, or an unknown order."""
    shipment = session.scalars(
        select(PostalShipment).where(PostalShipment.order_code == order_code).with_for_update()
    ).one_or_none()
    new = PROVIDER_STATUS.get(provider_status)
    if provider_status == "CANCELLED":
        new = CANCELLED
    if shipment is None or new is None:
        return False
    shipment.attempts = max(shipment.attempts, attempts)
    if _ORDER[new] <= _ORDER[shipment.status]:
        return False
    shipment.status = new
    shipment.updated_at = now = utcnow()
    dossier = session.get(Dossier, shipment.dossier_id)
    if shipment.direction == PICKUP and new == 3:
        dossier.posted_in_at = now
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            actor_id=None,
            actor_name="Bưu điện (VNPost)",
            action="postal_status",
            task_title=shipment.direction_label,
            from_status=dossier.status,
            to_status=dossier.status,
            note=shipment.label,
            at=now,
        )
    )
    return True


def _order(session: Session, dossier: Dossier, shipment: PostalShipment) -> None:
    citizen = {"name": shipment.recipient, "phone": shipment.phone, "address": shipment.address}
    agency = {"name": dossier.agency.name, "phone": "", "address": agency_address(dossier.agency)}
    pickup = shipment.direction == PICKUP
    session.add(
        OutboxMessage(
            dossier_id=dossier.id,
            operation=OPERATION,
            payload={
                "shipment_id": shipment.id,
                "reference": f"{dossier.code}-{shipment.direction}",
                "kind": shipment.direction,
                "sender": citizen if pickup else agency,
                "receiver": agency if pickup else citizen,
                "weight_grams": 500,
                "description": (
                    f"Hồ sơ {dossier.code}"
                    if pickup
                    else f"Kết quả giải quyết hồ sơ {dossier.code}"
                ),
                "callback_url": f"{public_base_url()}{CALLBACK_PATH}",
            },
            idempotency_key=f"postal-{shipment.id}",
        )
    )
