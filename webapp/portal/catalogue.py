"""The procedure catalogue: search with filters, and a procedure's page."""

from __future__ import annotations

from io import BytesIO

from flask import render_template, request, send_file

from engine.dossiers.attachments import document_slots
from engine.procedures.blank_forms import applicant_form_pdf, get_blank_form
from engine.procedures.catalogue_search import (
    LEVELS,
    ONLINE_LEVELS,
    CatalogueQuery,
    catalogue_filters,
    search_procedures,
)
from engine.procedures.queries import get_procedure, latest_version
from webapp.extensions import db
from webapp.file_responses import file_response
from webapp.portal import bp


@bp.get("/")
def home():
    query = CatalogueQuery(
        keyword=request.args.get("q", "").strip()[:200],
        agency_id=request.args.get("co_quan", type=int),
        field=request.args.get("linh_vuc", "").strip(),
        level=request.args.get("cap", "").strip(),
        online_service_level=request.args.get("muc_do", "").strip(),
    )
    return render_template(
        "portal/home.html",
        procedures=search_procedures(db.session, query),
        query=query,
        filters=catalogue_filters(db.session),
        levels=LEVELS,
        online_levels=ONLINE_LEVELS,
    )


@bp.get("/thu-tuc/<code>")
def procedure(code: str):
    procedure = get_procedure(db.session, code)
    version = latest_version(db.session, procedure)
    return render_template(
        "portal/procedure.html",
        procedure=procedure,
        record=procedure.record or {},
        upload_codes={slot.code for slot in document_slots(version)},
        has_applicant_form=bool(version.procedure_record().get("applicant_form")),
        levels=LEVELS,
        online_levels=ONLINE_LEVELS,
    )


@bp.get("/thu-tuc/<code>/mau/<document_code>")
def blank_form(code: str, document_code: str):
    """The blank form the package ships for one required document (PDF or DOCX)."""
    version = latest_version(db.session, get_procedure(db.session, code))
    form = get_blank_form(version, document_code)
    return file_response(form.content, form.content_type, form.filename)


@bp.get("/thu-tuc/<code>/to-khai-mau-in.pdf")
def applicant_form_print(code: str):
    """Tờ khai (mẫu in): the applicant form as a blank to print and fill by hand."""
    version = latest_version(db.session, get_procedure(db.session, code))
    return send_file(
        BytesIO(applicant_form_pdf(version)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"to-khai-{code}.pdf",
    )
