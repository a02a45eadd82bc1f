"""Public check of an e-receipt: the page its printed QR code opens (`/bien-lai/<lookup code>`).

The lookup code is 20 random hexadecimal characters printed only on the receipt, so whoever
reaches the page holds the paper; the page repeats what the paper says, to show it is genuine.
"""

from __future__ import annotations

from flask import render_template

from connectors.payment.providers import provider_label
from engine.receipts.queries import receipt_by_lookup_code
from forms.documents.amount_words import amount_in_words
from forms.documents.receipt import METHOD_LABELS
from webapp.extensions import db
from webapp.portal import bp

NO_INDEX = {"X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store"}


@bp.get("/bien-lai/<lookup_code>")
def receipt_verification(lookup_code: str):
    receipt = receipt_by_lookup_code(db.session, lookup_code)
    if receipt is None:
        page = render_template("portal/receipt_verification.html", receipt=None)
        return page, 404, NO_INDEX
    page = render_template(
        "portal/receipt_verification.html",
        receipt=receipt,
        amount_words=amount_in_words(receipt.amount),
        method=METHOD_LABELS.get(receipt.method, receipt.method),
        provider=provider_label(receipt.provider),
    )
    return page, 200, NO_INDEX
