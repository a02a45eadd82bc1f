"""The applicant pays a dossier's fees: the payment page and the hand-over to a provider."""

from __future__ import annotations

import logging

from flask import Response, flash, redirect, render_template, request, url_for

from connectors.payment.providers import available_providers, payment_provider, provider_label
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput, NotFound
from engine.payments.collection import current_payment, payment_requested
from engine.payments.models import STATE_LABELS
from engine.payments.settlement import begin_attempt, record_start_failure
from engine.receipts.queries import dossier_receipt
from forms.documents.receipt import receipt_pdf
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.portal import bp

log = logging.getLogger(__name__)


@bp.get("/ho-so/<code>/thanh-toan")
@login_required
def payment(code: str):
    dossier = get_dossier(db.session, current_actor(), code)
    payment = current_payment(db.session, dossier.id)
    return render_template(
        "portal/payment.html",
        dossier=dossier,
        payment=payment,
        preparing=payment is None and payment_requested(db.session, dossier.id),
        providers=available_providers(),
        state_labels=STATE_LABELS,
        receipt=dossier_receipt(db.session, dossier.id),
        provider_label=provider_label,
    )


@bp.get("/ho-so/<code>/bien-lai.pdf")
@login_required
def e_receipt(code: str):
    """The e-receipt of the dossier's paid fees, for the applicant (and officers in scope)."""
    dossier = get_dossier(db.session, current_actor(), code)
    receipt = dossier_receipt(db.session, dossier.id)
    if receipt is None:
        raise NotFound("Hồ sơ chưa có biên lai điện tử.")
    return Response(
        receipt_pdf(receipt),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bien-lai-{code}.pdf"'},
    )


@bp.post("/ho-so/<code>/thanh-toan")
@login_required
def pay(code: str):
    name = request.form.get("provider", "")
    provider = payment_provider(name)
    if provider is None:
        raise InvalidInput("Vui lòng chọn một kênh thanh toán.", {"provider": "Chưa chọn."})
    with transaction(db.session):
        started = begin_attempt(
            db.session,
            current_actor(),
            code,
            name,
            return_url=url_for("callbacks.payment_return", provider=name, _external=True),
            notify_url=url_for("callbacks.payment_notification", provider=name, _external=True),
            client_ip=request.remote_addr or "127.0.0.1",
        )
        settings = provider_settings(db.session, name)
    try:
        start = provider.start(started.order, settings)
    except Exception as error:  # the provider is down: say so, keep the dossier as it was
        log.warning("payment start at %s failed: %s", name, error)
        with transaction(db.session):
            record_start_failure(db.session, started.attempt_id, str(error))
        flash(
            f"Không kết nối được {provider.label}. Vui lòng thử lại sau hoặc chọn kênh khác.",
            "error",
        )
        return redirect(url_for(".payment", code=code))
    return redirect(start.redirect_url)
