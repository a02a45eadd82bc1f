"""The public portal: catalogue, online submission, the applicant's dossiers, lookup by code."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from webapp.portal import (  # noqa: E402, F401
    catalogue,
    documents,
    dossiers,
    lookup,
    notifications,
    payments,
    receipt_pdf,
    receipt_verification,
    signature_verification,
    submission,
    withdrawal,
)
