"""Public lookup by dossier code (also the QR code's target), rate-limited per IP."""

from __future__ import annotations

import math

from flask import render_template, request

from engine.dossiers.public_lookup import applicant_details, appointment, find_dossier_by_code
from engine.dossiers.queries import lookup_dossier
from engine.errors import NotFound
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.portal import bp
from webapp.portal.rate_limit import lookup_wait


@bp.get("/tra-cuu")
def lookup():
    code = request.args.get("ma", "").strip()[:60]
    if code:
        wait = lookup_wait()
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
