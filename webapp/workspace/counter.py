"""Counter reception (/can-bo/tiep-nhan): a one-stop officer registers an in-person dossier."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.models import Agency
from engine.db import transaction
from engine.dossiers.counter import (
    ReceivedComponent,
    Scan,
    component_field,
    list_counter_procedures,
    procedure_documents,
    receive_at_counter,
    reception_agency_ids,
)
from engine.errors import InvalidInput
from engine.procedures.form_data import applicant_form_name, version_form
from engine.procedures.queries import get_procedure, latest_version
from forms.rendering import form_fields
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_storage import file_storage
from webapp.form_input import posted_data
from webapp.presentation import local_time
from webapp.workspace import bp

ACCEPT = "accept"


@bp.get("/tiep-nhan")
def counter_procedures():
    return render_template(
        "workspace/counter_procedures.html",
        procedures=list_counter_procedures(db.session, current_actor()),
    )


@bp.route("/tiep-nhan/<code>", methods=["GET", "POST"])
def counter_reception(code: str):
    actor = current_actor()
    agencies = _reception_agencies()
    procedure = get_procedure(db.session, code)
    version = latest_version(db.session, procedure)
    form = version_form(version, applicant_form_name(version))
    documents = procedure_documents(version)
    data, errors = {}, {}
    if request.method == "POST":
        data = posted_data(form)
        try:
            with transaction(db.session):
                dossier = receive_at_counter(
                    db.session,
                    actor,
                    file_storage(),
                    code,
                    data,
                    _posted_components(documents),
                    agency_id=request.form.get("agency_id", type=int),
                    accept=request.form.get("reception_decision") == ACCEPT,
                )
            flash(_done_message(dossier), "success")
            return redirect(url_for(".dossier", code=dossier.code))
        except InvalidInput as error:
            errors = error.field_errors
    fields = form_fields(form, data, errors)
    return render_template(
        "workspace/counter.html",
        procedure=procedure,
        fields=fields,
        errors=errors,
        components=_component_rows(documents, errors),
        agencies=agencies,
        posted=request.method == "POST",
    ), (400 if errors else 200)


def _reception_agencies() -> list[tuple[int, str]]:
    """(id, name) of the agencies where the officer receives dossiers; Forbidden if none."""
    ids = reception_agency_ids(current_actor())
    agencies = [db.session.get(Agency, agency_id) for agency_id in ids]
    return [(agency.id, agency.name) for agency in agencies]


def _posted_components(documents: list[dict]) -> list[ReceivedComponent]:
    components = []
    for document in documents:
        code = document["code"]
        if not request.form.get(component_field(code, "received")):
            continue
        scans = tuple(
            Scan(filename=upload.filename or "", content=upload.read())
            for upload in request.files.getlist(component_field(code, "scan"))
            if upload.filename
        )
        components.append(
            ReceivedComponent(
                document_code=code,
                original=request.form.get(component_field(code, "kind")) != "copy",
                count=request.form.get(component_field(code, "count"), default=0, type=int),
                scans=scans,
            )
        )
    return components


def _component_rows(documents: list[dict], errors: dict[str, str]) -> list[dict]:
    """What the component table shows: the procedure's line, what was posted, its errors."""
    posted = request.method == "POST"
    rows = []
    for document in documents:
        code = document["code"]
        default_kind = "original" if document.get("original", True) else "copy"
        rows.append(
            {
                "code": code,
                "name": document.get("name", code),
                "note": document.get("note", ""),
                "required": bool(document.get("required")),
                "received": bool(request.form.get(component_field(code, "received")))
                if posted
                else False,
                "kind": request.form.get(component_field(code, "kind"), default_kind),
                "count": request.form.get(component_field(code, "count"))
                or document.get("copies", 1),
                "errors": [
                    errors[key]
                    for key in (
                        component_field(code),
                        *(component_field(code, p) for p in ("count", "scan")),
                    )
                    if key in errors
                ],
            }
        )
    return rows


def _done_message(dossier) -> str:
    if dossier.received_at is not None:
        return f"Đã tiếp nhận hồ sơ {dossier.code}; hẹn trả kết quả {local_time(dossier.due_at)}."
    return f"Đã đăng ký hồ sơ {dossier.code}; hồ sơ chờ kiểm tra trong mục Công việc."
