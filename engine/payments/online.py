"""What the applicant sees of a dossier's fees, and handing the payer over to a provider.

Starting a payment calls the provider over the network (national platform, MoMo), so it cannot
sit in one transaction: the attempt is recorded and committed first, the provider is asked,
and a provider that does not answer leaves the attempt failed and the dossier as it was. The
portal's payment page and the API call the same two functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from connectors.payment.contract import PaymentProvider
from connectors.payment.providers import available_providers, payment_provider
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput, Unavailable
from engine.idempotency.keys import (
    IdempotentRequest,
    Outcome,
    record_answer,
    release_key,
    reserve_key,
)
from engine.payments.collection import current_payment, payment_requested
from engine.payments.models import Payment
from engine.payments.settlement import StartedAttempt, begin_attempt, record_start_failure
from engine.receipts.models import EReceipt
from engine.receipts.queries import dossier_receipt
from engine.users.actor import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentOverview:
    """The payment page: the fees due (None: nothing to pay, or not yet prepared), the
    e-receipt once paid, and the providers a payer may choose."""

    dossier: Dossier
    payment: Payment | None
    #: the workflow asked for the fees and the worker has not opened the payment yet
    preparing: bool
    receipt: EReceipt | None
    providers: list[PaymentProvider] = field(default_factory=list)


def payment_overview(session: Session, actor: Actor, code: str) -> PaymentOverview:
    """For whoever may see the dossier (its applicant, its agency's officers); NotFound else."""
    dossier = get_dossier(session, actor, code)
    payment = current_payment(session, dossier.id)
    return PaymentOverview(
        dossier=dossier,
        payment=payment,
        preparing=payment is None and payment_requested(session, dossier.id),
        receipt=dossier_receipt(session, dossier.id),
        providers=available_providers(),
    )


@dataclass(frozen=True)
class StartedPayment:
    attempt: StartedAttempt
    provider: PaymentProvider
    #: where the payer's browser (or the app's web view) goes to pay
    redirect_url: str


def start_online_payment(
    session: Session,
    actor: Actor,
    code: str,
    provider_name: str,
    *,
    return_url: str,
    notify_url: str,
    client_ip: str,
    idempotent: IdempotentRequest | None = None,
    answer: Callable[[StartedPayment], tuple[int, dict]] | None = None,
) -> StartedPayment | Outcome:
    """The applicant starts paying their dossier's unpaid fees at `provider_name`.

    Runs its own transactions (the provider is called between them). InvalidInput for an
    unknown provider, NotFound for another's dossier or nothing to pay, Conflict when paid,
    Unavailable when the provider does not answer (the attempt is recorded as failed).

    With `idempotent`, the key is reserved with the attempt and `answer(started)` is stored as
    its answer once the provider has answered; a retry gets that Outcome instead of a second
    attempt, and a failed start frees the key so the retry tries again.
    """
    provider = payment_provider(provider_name)
    if provider is None:
        raise InvalidInput("Vui lòng chọn một kênh thanh toán.", {"provider": "Chưa chọn."})
    with transaction(session):
        if idempotent is not None and (earlier := reserve_key(session, idempotent)) is not None:
            return earlier
        started = begin_attempt(
            session,
            actor,
            code,
            provider_name,
            return_url=return_url,
            notify_url=notify_url,
            client_ip=client_ip,
        )
        settings = provider_settings(session, provider_name)
    try:
        start = provider.start(started.order, settings)
    except Exception as error:  # the provider is down: say so, keep the dossier as it was
        log.warning("payment start at %s failed: %s", provider_name, error)
        with transaction(session):
            record_start_failure(session, started.attempt_id, str(error))
            if idempotent is not None:
                release_key(session, idempotent)
        raise Unavailable(
            f"Không kết nối được {provider.label}. Vui lòng thử lại sau hoặc chọn kênh khác."
        ) from error
    result = StartedPayment(started, provider, start.redirect_url)
    if idempotent is not None and answer is not None:
        status, body = answer(result)
        with transaction(session):
            record_answer(session, idempotent, status, body)
        return Outcome(status, body)
    return result
