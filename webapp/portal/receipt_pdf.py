"""The applicant's own printed receipt (Mẫu 01)."""

from __future__ import annotations

from flask import current_app

from engine.dossiers.documents import receipt_data
from forms.documents.render import render_pdf
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.portal import bp
from webapp.printing import pdf_response


@bp.get("/ho-so/<code>/bien-nhan.pdf")
@login_required
def receipt_pdf(code: str):
    values = receipt_data(
        db.session, current_actor(), code, lookup_base_url=current_app.config["PUBLIC_BASE_URL"]
    )
    return pdf_response(render_pdf("mau_01", values), f"{code}-bien-nhan.pdf")
