"""The worker's reconciliation job: ask the provider about payments left pending.

An IPN can be lost (our server down, the provider gave up retrying); the payer may also close
the browser before the return. Every minute the worker asks the provider (`query`, VNPay's
querydr) about attempts that are still open and settles what it answers, exactly as an IPN
would be settled. Attempts past their lifetime are marked expired, but still asked about for a
day: a late success counts.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.payment.providers import payment_provider
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.payments.models import EXPIRED, PENDING, PaymentAttempt
from engine.payments.settlement import expire_attempts, settle_notice
from engine.timestamps import utcnow

log = logging.getLogger(__name__)

#: leave a fresh attempt to its IPN for this long before asking
QUIET = timedelta(minutes=1)
ASK_EVERY = timedelta(minutes=1)
ASK_FOR = timedelta(days=1)


def reconcile_payments(session_factory: sessionmaker[Session], *, quiet: timedelta = QUIET) -> int:
    """One sweep; returns how many attempts the providers were asked about."""
    now = utcnow()
    with session_factory() as session, transaction(session):
        expire_attempts(session, now)
        rows = session.execute(
            select(
                PaymentAttempt.id,
                PaymentAttempt.reference,
                PaymentAttempt.provider,
                PaymentAttempt.created_at,
            )
            .where(
                PaymentAttempt.state.in_((PENDING, EXPIRED)),
                PaymentAttempt.created_at <= now - quiet,
                PaymentAttempt.created_at >= now - ASK_FOR,
                or_(
                    PaymentAttempt.checked_at.is_(None),
                    PaymentAttempt.checked_at <= now - ASK_EVERY,
                ),
            )
            .order_by(PaymentAttempt.id)
            .limit(50)
            .with_for_update(skip_locked=True)
        ).all()
        for attempt_id, *_ in rows:
            session.get(PaymentAttempt, attempt_id).checked_at = now
        settings = {name: provider_settings(session, name) for name in {r[2] for r in rows}}
    for _attempt_id, reference, provider_name, created_at in rows:
        provider = payment_provider(provider_name)
        if provider is None:
            continue
        try:
            notice = provider.query(reference, created_at, settings[provider_name])
        except Exception as error:
            log.warning("payment %s: %s did not answer: %s", reference, provider_name, error)
            continue
        with session_factory() as session, transaction(session):
            settle_notice(session, provider_name, notice)
    return len(rows)
