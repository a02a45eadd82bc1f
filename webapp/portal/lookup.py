"""Public lookup by dossier code (also the QR code's target), rate-limited per IP."""

from __future__ import annotations

import math

from flask import current_app, render_template, request

from engine.dossiers.public_lookup import applicant_details, appointment, find_dossier_by_code
from engine.dossiers.queries import lookup_dossier
from engine.errors import NotFound
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.portal import bp
from webapp.portal.rate_limit import TokenBuckets

#: (burst, seconds per token): 20 lookups at once, then one every 6 seconds
DEFAULT_LOOKUP_LIMIT = (20, 6.0)


def _buckets() -> TokenBuckets:
    if "motcua_lookup_buckets" not in current_app.extensions:
        capacity, refill = current_app.config.get("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_LIMIT)
        current_app.extensions["motcua_lookup_buckets"] = TokenBuckets(capacity, refill)
    return current_app.extensions["motcua_lookup_buckets"]


@bp.get("/tra-cuu")
def lookup():
    code = request.args.get("ma", "").strip()[:60]
    if code:
        wait = _buckets().take(request.remote_addr or "unknown")
        if wait:
            seconds = math.ceil(wait)
            message = (
                "Bạn tra cứu quá nhiều lần trong thời gian ngắn. "
                f"Vui lòng thử lại sau {seconds} giây."
            )
            page = render_template("portal/lookup.html", code=code, result=None, message=message)
            return page, 429, {"Retry-After": str(seconds)}
    result, message, details, due = None, None, None, None
    if code:
        try:
            result = lookup_dossier(db.session, code)
            dossier = find_dossier_by_code(db.session, code)
            due = appointment(db.session, dossier)
            details = applicant_details(
                db.session, current_actor(), code, request.args.get("so_cuoi", "")
            )
        except NotFound as error:
            message = error.message
    return render_template(
        "portal/lookup.html",
        code=code,
        result=result,
        message=message,
        details=details,
        due=due,
        tried_phone=bool(request.args.get("so_cuoi")),
    ), (404 if message else 200)
