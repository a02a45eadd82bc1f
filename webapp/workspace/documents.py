"""Printing the official documents of a dossier (Mẫu 01-05) and the register (Mẫu 06)."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request

from engine.dossiers.documents import (
    apology_data,
    control_slip_data,
    receipt_data,
    refusal_data,
    supplement_request_data,
)
from engine.dossiers.register import register_data
from engine.timestamps import LOCAL_TZ, utcnow
from forms.documents.render import render_pdf
from forms.documents.spreadsheet import render_xlsx
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.printing import date_argument, pdf_response, xlsx_response
from webapp.workspace import bp


def _text(name: str) -> str | None:
    return request.args.get(name, "").strip()[:2000] or None


@bp.get("/ho-so/<code>/mau-01.pdf")
def receipt_pdf(code: str):
    values = receipt_data(
        db.session, current_actor(), code, lookup_base_url=current_app.config["PUBLIC_BASE_URL"]
    )
    return pdf_response(render_pdf("mau_01", values), f"{code}-mau-01.pdf")


@bp.get("/ho-so/<code>/mau-02.pdf")
def supplement_request_pdf(code: str):
    values = supplement_request_data(
        db.session, current_actor(), code, missing=_text("thieu"), reason=_text("ly_do")
    )
    return pdf_response(render_pdf("mau_02", values), f"{code}-mau-02.pdf")


@bp.get("/ho-so/<code>/mau-03.pdf")
def refusal_pdf(code: str):
    values = refusal_data(db.session, current_actor(), code, reason=_text("ly_do"))
    return pdf_response(render_pdf("mau_03", values), f"{code}-mau-03.pdf")


@bp.get("/ho-so/<code>/mau-04.pdf")
def apology_pdf(code: str):
    new_due = date_argument(request.args.get("hen_ngay"), "hen_ngay")
    values = apology_data(
        db.session, current_actor(), code, reason=_text("ly_do"), new_due_date=new_due
    )
    return pdf_response(render_pdf("mau_04", values), f"{code}-mau-04.pdf")


@bp.get("/ho-so/<code>/mau-05.pdf")
def control_slip_pdf(code: str):
    values = control_slip_data(db.session, current_actor(), code)
    return pdf_response(render_pdf("mau_05", values), f"{code}-mau-05.pdf")


def _register_period() -> tuple[date, date]:
    """The period asked for: `tu` and `den`, by default this month up to today."""
    today = utcnow().astimezone(LOCAL_TZ).date()
    date_from = date_argument(request.args.get("tu"), "tu") or today.replace(day=1)
    date_to = date_argument(request.args.get("den"), "den") or today
    return date_from, date_to


@bp.get("/so-theo-doi")
def register():
    date_from, date_to = _register_period()
    values = register_data(db.session, current_actor(), date_from=date_from, date_to=date_to)
    return render_template(
        "workspace/register.html", values=values, date_from=date_from, date_to=date_to
    )


@bp.get("/so-theo-doi.pdf")
def register_pdf():
    date_from, date_to = _register_period()
    values = register_data(db.session, current_actor(), date_from=date_from, date_to=date_to)
    return pdf_response(render_pdf("mau_06", values), f"so-theo-doi-{date_from}-{date_to}.pdf")


@bp.get("/so-theo-doi.xlsx")
def register_xlsx():
    date_from, date_to = _register_period()
    values = register_data(db.session, current_actor(), date_from=date_from, date_to=date_to)
    return xlsx_response(render_xlsx("mau_06", values), f"so-theo-doi-{date_from}-{date_to}.xlsx")
