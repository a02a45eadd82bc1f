"""Public check of a signed PDF (`/xac-thuc-chu-ky`): anyone holding a result file uploads it
and reads who signed it, when, and whether it can be trusted. Nothing uploaded is kept."""

from __future__ import annotations

import math

from flask import render_template

from engine.errors import InvalidInput
from engine.signing.verification import verify_pdf
from webapp.extensions import db
from webapp.portal import bp
from webapp.portal.rate_limit import verification_wait
from webapp.portal.uploads import posted_single_file

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/xac-thuc-chu-ky")
def signature_verification():
    return render_template("portal/signature_verification.html", reports=None, errors={})


@bp.post("/xac-thuc-chu-ky")
def verify_signature():
    wait = verification_wait()
    if wait:
        seconds = math.ceil(wait)
        errors = {"pdf": f"Bạn kiểm tra quá nhiều lần. Vui lòng thử lại sau {seconds} giây."}
        page = render_template("portal/signature_verification.html", reports=None, errors=errors)
        return page, 429, {"Retry-After": str(seconds)}
    upload = posted_single_file("pdf")
    try:
        if upload is None:
            raise InvalidInput("Chưa chọn tệp.", {"pdf": "Vui lòng chọn tệp PDF cần kiểm tra."})
        reports = verify_pdf(db.session, upload[1])
    except InvalidInput as error:
        page = render_template(
            "portal/signature_verification.html", reports=None, errors=error.field_errors
        )
        return page, 400, NO_STORE
    page = render_template(
        "portal/signature_verification.html", reports=reports, filename=upload[0], errors={}
    )
    return page, 200, NO_STORE
