"""Starting an online payment and settling what a provider says about it.

The provider's server-to-server notification (IPN) is the source of truth; the payer's browser
return only prompts us to ask the provider (`query`) and then settles through the same function.
Both take the dossier's row lock, then the attempt's, and look at the attempt's state after
taking them: whichever arrives first records the payment and completes the waiting task, the
other finds it settled and changes nothing (one state change, one e-mail).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.payment import contract as protocol
from engine.dossiers.models import Dossier
from engine.dossiers.notices import queue_applicant_notice
from engine.dossiers.queries import get_dossier
from engine.dossiers.step import StepRecord, lock_dossier
from engine.errors import Conflict, NotFound
from engine.outbox.models import OutboxMessage
from engine.outbox.waiting import complete_waiting_call
from engine.payments.models import (
    EXPIRED,
    FAILED,
    ONLINE,
    PAID,
    PENDING,
    Payment,
    PaymentAttempt,
)
from engine.receipts.invoicing import invoice_idempotency_key, invoice_payload
from engine.receipts.issuing import issue_receipt
from engine.receipts.queries import receipt_verification_url
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM, Actor
from forms.documents.amount_words import amount_in_figures

#: how long a payer has at the provider before the attempt expires
ATTEMPT_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class StartedAttempt:
    attempt_id: int
    order: protocol.PaymentOrder


def begin_attempt(
    session: Session,
    actor: Actor,
    code: str,
    provider: str,
    *,
    return_url: str,
    notify_url: str,
    client_ip: str,
) -> StartedAttempt:
    """Record a new attempt for the applicant's unpaid fees; the caller commits, then sends the
    payer to the provider (a network call, outside any transaction)."""
    dossier = get_dossier(session, actor, code)
    if dossier.applicant_user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    payment = session.scalar(
        select(Payment)
        .where(Payment.dossier_id == dossier.id)
        .order_by(Payment.id.desc())
        .with_for_update()
    )
    if payment is None:
        raise NotFound("Hồ sơ chưa có khoản phí, lệ phí cần thanh toán.")
    if payment.state == PAID:
        raise Conflict("Khoản phí, lệ phí này đã được thanh toán.")
    now = utcnow()
    attempt = PaymentAttempt(
        payment_id=payment.id,
        reference=f"MC{payment.id}T{secrets.token_hex(6).upper()}",
        provider=provider,
        amount=payment.amount,
        created_at=now,
        expires_at=now + ATTEMPT_LIFETIME,
    )
    session.add(attempt)
    session.flush()
    order = protocol.PaymentOrder(
        reference=attempt.reference,
        amount=payment.amount,
        description=f"Thanh toán lệ phí hồ sơ {dossier.code}",
        fee_lines=tuple(protocol.FeeLine(f["name"], f["amount"]) for f in payment.fee_lines),
        payer_name=dossier.applicant_name,
        dossier_code=dossier.code,
        return_url=return_url,
        notify_url=notify_url,
        created_at=now,
        expires_at=attempt.expires_at,
        client_ip=client_ip,
    )
    return StartedAttempt(attempt.id, order)


@dataclass(frozen=True)
class AttemptInfo:
    dossier_code: str
    created_at: datetime


def find_attempt(session: Session, provider: str, reference: str) -> AttemptInfo | None:
    """Which dossier a provider's transaction reference belongs to (for the browser return)."""
    row = session.execute(
        select(Dossier.code, PaymentAttempt.created_at)
        .join(Payment, Payment.id == PaymentAttempt.payment_id)
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(PaymentAttempt.reference == reference, PaymentAttempt.provider == provider)
    ).first()
    return AttemptInfo(*row) if row else None


def record_start_failure(session: Session, attempt_id: int, error: str) -> None:
    attempt = session.get(PaymentAttempt, attempt_id)
    attempt.state = FAILED
    attempt.message = error[:255]


def settle_notice(session: Session, provider: str, notice: protocol.PaymentNotice) -> str:
    """Apply a verified notice; the outcome the provider's reply is written from."""
    payment_dossier = session.execute(
        select(PaymentAttempt.id, Payment.dossier_id)
        .join(Payment)
        .where(PaymentAttempt.reference == notice.reference, PaymentAttempt.provider == provider)
    ).first()
    if payment_dossier is None:
        return protocol.ORDER_NOT_FOUND
    attempt_id, dossier_id = payment_dossier
    lock_dossier(session, dossier_id)
    attempt = session.get(PaymentAttempt, attempt_id, with_for_update=True, populate_existing=True)
    if notice.amount != attempt.amount:
        return protocol.INVALID_AMOUNT
    if attempt.state == PAID:
        return protocol.ALREADY_CONFIRMED
    now = utcnow()
    attempt.code, attempt.message = notice.code[:20], notice.message[:255]
    attempt.provider_reference = notice.provider_reference or attempt.provider_reference
    if notice.state == protocol.PAID:
        attempt.state, attempt.settled_at = PAID, now
        payment = session.get(Payment, attempt.payment_id, populate_existing=True)
        if payment.state != PAID:
            mark_paid(
                session,
                payment,
                method=ONLINE,
                provider=provider,
                paid_at=notice.paid_at or now,
                actor=SYSTEM,
            )
    elif notice.state == protocol.FAILED and attempt.state == PENDING:
        attempt.state, attempt.settled_at = FAILED, now
        payment = attempt.payment
        if payment.state == PENDING:
            payment.state = FAILED
    return protocol.CONFIRMED


def mark_paid(
    session: Session,
    payment: Payment,
    *,
    method: str,
    provider: str | None,
    paid_at: datetime,
    actor: Actor,
) -> None:
    """The fees are paid: the waiting `payment/collect` task completes in a new step and the
    applicant is told, once. The caller holds the dossier's lock."""
    payment.state, payment.method, payment.provider = PAID, method, provider
    payment.paid_at = paid_at
    session.flush()
    complete_waiting_call(
        session,
        payment.outbox_message_id,
        {"paid": True, "amount": payment.amount, "method": method, "provider": provider},
        record=StepRecord(
            action="payment_received",
            task_title="Thu phí, lệ phí",
            note=amount_in_figures(payment.amount),
        ),
    )
    dossier = lock_dossier(session, payment.dossier_id)  # held already: no second wait
    attempt = next((a for a in payment.attempts if a.state == PAID), None)
    receipt = issue_receipt(
        session,
        agency_id=dossier.receiving_agency_id,
        dossier=dossier,
        payment_id=payment.id,
        payer_name=dossier.applicant_name,
        procedure_name=dossier.procedure.name,
        lines=list(payment.fee_lines),
        amount=payment.amount,
        paid_at=paid_at,
        method=method,
        provider=provider,
        provider_reference=attempt.provider_reference if attempt else None,
    )
    session.add(
        OutboxMessage(
            dossier_id=dossier.id,
            operation="einvoice/issue",
            payload=invoice_payload(receipt),
            idempotency_key=invoice_idempotency_key(receipt),
        )
    )
    queue_applicant_notice(
        session,
        dossier,
        "payment_received",
        idempotency_key=f"{dossier.id}:payment_received:{payment.id}",
        amount=payment.amount,
        receipt_url=receipt_verification_url(receipt),
    )


def expire_attempts(session: Session, now: datetime | None = None) -> int:
    """Attempts past their lifetime that the provider never settled."""
    now = now or utcnow()
    rows = list(
        session.scalars(
            select(PaymentAttempt).where(
                PaymentAttempt.state == PENDING, PaymentAttempt.expires_at < now
            )
        )
    )
    for attempt in rows:
        attempt.state = EXPIRED
    return len(rows)
