"""The applicant pays a dossier's fees: the payment page and the hand-over to a provider."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from connectors.payment.providers import provider_label
from engine.errors import Unavailable
from engine.payments.models import STATE_LABELS
from engine.payments.online import payment_overview, start_online_payment
from engine.receipts.queries import get_dossier_receipt
from forms.documents.receipt import receipt_pdf
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.portal import bp


@bp.get("/ho-so/<code>/thanh-toan")
@login_required
def payment(code: str):
    overview = payment_overview(db.session, current_actor(), code)
    return render_template(
        "portal/payment.html",
        dossier=overview.dossier,
        payment=overview.payment,
        preparing=overview.preparing,
        providers=overview.providers,
        state_labels=STATE_LABELS,
        receipt=overview.receipt,
        provider_label=provider_label,
    )


@bp.get("/ho-so/<code>/bien-lai.pdf")
@login_required
def e_receipt(code: str):
    """The e-receipt of the dossier's paid fees, for the applicant (and officers in scope)."""
    receipt = get_dossier_receipt(db.session, current_actor(), code)
    return Response(
        receipt_pdf(receipt),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bien-lai-{code}.pdf"'},
    )


@bp.post("/ho-so/<code>/thanh-toan")
@login_required
def pay(code: str):
    name = request.form.get("provider", "")
    try:
        started = start_online_payment(
            db.session,
            current_actor(),
            code,
            name,
            return_url=url_for("callbacks.payment_return", provider=name, _external=True),
            notify_url=url_for("callbacks.payment_notification", provider=name, _external=True),
            client_ip=request.remote_addr or "127.0.0.1",
        )
    except Unavailable as error:
        flash(error.message, "error")
        return redirect(url_for(".payment", code=code))
    return redirect(started.redirect_url)
