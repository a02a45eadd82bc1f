from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from engine.db import transaction
from engine.dossiers.queries import (
    get_dossier,
    list_applicant_dossiers,
    list_events,
    lookup_dossier,
)
from engine.dossiers.submission import submit_dossier
from engine.errors import InvalidInput, NotFound
from engine.procedures.form_data import applicant_form_name, version_form
from engine.procedures.queries import get_procedure, latest_version, list_active_procedures
from engine.tasks.completion import complete_task
from engine.tasks.queries import get_task, list_open_tasks
from forms.rendering import form_fields
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.form_input import posted_data
from webapp.portal import bp

APPLICANT_KINDS = ("citizen", "organisation")


@bp.get("/")
def home():
    return render_template("portal/home.html", procedures=list_active_procedures(db.session))


@bp.get("/thu-tuc/<code>")
def procedure(code: str):
    procedure = get_procedure(db.session, code)
    return render_template(
        "portal/procedure.html", procedure=procedure, record=procedure.record or {}
    )


@bp.route("/thu-tuc/<code>/nop-ho-so", methods=["GET", "POST"])
@login_required
def submit(code: str):
    actor = current_actor()
    if actor.kind not in APPLICANT_KINDS:
        abort(403)
    procedure = get_procedure(db.session, code)
    version = latest_version(db.session, procedure)
    form = version_form(version, applicant_form_name(version))
    data, errors = {}, {}
    if request.method == "POST":
        data = posted_data(form)
        try:
            with transaction(db.session):
                dossier = submit_dossier(db.session, actor, code, data)
            return redirect(url_for(".receipt", code=dossier.code))
        except InvalidInput as error:
            errors = error.field_errors
    fields = form_fields(form, data, errors)
    status = 400 if errors else 200
    return render_template(
        "portal/submit.html", procedure=procedure, form=form, fields=fields, errors=errors
    ), status


@bp.get("/ho-so/<code>/bien-nhan")
@login_required
def receipt(code: str):
    dossier = get_dossier(db.session, current_actor(), code)
    return render_template("portal/receipt.html", dossier=dossier)


@bp.get("/ho-so-cua-toi")
@login_required
def my_dossiers():
    dossiers = list_applicant_dossiers(db.session, current_actor())
    return render_template("portal/my_dossiers.html", dossiers=dossiers)


@bp.get("/ho-so/<code>")
@login_required
def dossier(code: str):
    dossier = get_dossier(db.session, current_actor(), code)
    actor = current_actor()
    tasks = [task for task in list_open_tasks(db.session, dossier) if task.role == "applicant"]
    return render_template(
        "portal/dossier.html",
        dossier=dossier,
        events=list_events(db.session, dossier),
        tasks=tasks if dossier.applicant_user_id == actor.user_id else [],
    )


@bp.route("/ho-so/<code>/cong-viec/<int:task_id>", methods=["GET", "POST"])
@login_required
def applicant_task(code: str, task_id: int):
    actor = current_actor()
    task = get_task(db.session, actor, task_id)
    if task.dossier.code != code:
        raise NotFound("Không tìm thấy công việc.")
    form = version_form(task.dossier.procedure_version, task.form_name)
    data, errors = {}, {}
    if request.method == "POST":
        data = posted_data(form)
        try:
            with transaction(db.session):
                complete_task(db.session, actor, task_id, data)
            return redirect(url_for(".dossier", code=code))
        except InvalidInput as error:
            errors = error.field_errors
    return render_template(
        "portal/task.html",
        task=task,
        form=form,
        fields=form_fields(form, data, errors),
        errors=errors,
    ), (400 if errors else 200)


@bp.get("/tra-cuu")
def lookup():
    code = request.args.get("ma", "").strip()
    result, message = None, None
    if code:
        try:
            result = lookup_dossier(db.session, code)
        except NotFound as error:
            message = error.message
    return render_template("portal/lookup.html", code=code, result=result, message=message), (
        404 if message else 200
    )
