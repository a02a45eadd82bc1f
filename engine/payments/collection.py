"""Opening a dossier's payment when its workflow asks for the fees, and paying in cash.

The fees are the procedure record's `fees` lines, copied into the outbox row when the step asks
for `payment/collect` (so a later edit of the record does not change what this applicant owes).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.payment.collect import OPERATION
from engine.dossiers.models import Dossier
from engine.dossiers.queries import get_dossier
from engine.errors import Conflict, Forbidden, NotFound
from engine.outbox.models import PENDING, OutboxMessage
from engine.outbox.waiting import CALL_STARTED
from engine.payments.models import CASH, PAID, Payment
from engine.payments.settlement import mark_paid
from engine.timestamps import utcnow
from engine.users.actor import Actor

RECEPTION_ROLE = "reception"


def fee_payload(dossier: Dossier) -> dict:
    """What the applicant owes, from the procedure record, for the `payment/collect` row."""
    lines = [
        {"name": str(fee.get("name") or "Lệ phí"), "amount": int(fee.get("amount") or 0)}
        for fee in (dossier.procedure.record or {}).get("fees", [])
    ]
    lines = [line for line in lines if line["amount"] > 0]
    return {"fee_lines": lines, "amount": sum(line["amount"] for line in lines)}


def open_payment(session: Session, message: OutboxMessage, result: dict) -> None:
    """The `payment/collect` call has started: the applicant can now pay."""
    session.add(
        Payment(
            dossier_id=message.dossier_id,
            outbox_message_id=message.id,
            amount=int(message.payload["amount"]),
            fee_lines=list(message.payload.get("fee_lines", [])),
        )
    )


CALL_STARTED[OPERATION] = open_payment


def current_payment(session: Session, dossier_id: int) -> Payment | None:
    """The dossier's latest payment, if its workflow ever asked for one."""
    return session.scalar(
        select(Payment).where(Payment.dossier_id == dossier_id).order_by(Payment.id.desc())
    )


def payment_requested(session: Session, dossier_id: int) -> bool:
    """The workflow asked for the fees and the worker has not opened the payment yet."""
    return (
        session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.dossier_id == dossier_id,
                OutboxMessage.operation == OPERATION,
                OutboxMessage.status == PENDING,
            )
        )
        is not None
    )


def record_cash_payment(session: Session, actor: Actor, code: str) -> Payment:
    """The one-stop officer took the fees in cash at the counter."""
    dossier = get_dossier(session, actor, code)
    if not actor.has_role(RECEPTION_ROLE, dossier.receiving_agency_id):
        raise Forbidden("Chỉ cán bộ một cửa của đơn vị tiếp nhận được thu lệ phí.")
    payment = current_payment(session, dossier.id)
    if payment is None:
        raise NotFound("Hồ sơ không có khoản phí, lệ phí nào cần thu.")
    payment = session.get(Payment, payment.id, with_for_update=True, populate_existing=True)
    if payment.state == PAID:
        raise Conflict("Khoản phí, lệ phí này đã được thanh toán.")
    mark_paid(session, payment, method=CASH, provider=None, paid_at=utcnow(), actor=actor)
    return payment
