from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.dossiers.messages import list_messages
from engine.dossiers.queries import get_dossier, list_events
from engine.errors import Conflict, InvalidInput
from engine.tasks.completion import claim_task, complete_task
from engine.tasks.queries import count_inbox, get_task, list_inbox, list_open_tasks
from forms.definition import load_form
from forms.rendering import form_fields
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.form_input import posted_data
from webapp.workspace import bp


@bp.get("/")
def inbox():
    actor = current_actor()
    page = max(request.args.get("trang", 1, type=int), 1)
    return render_template(
        "workspace/inbox.html",
        tasks=list_inbox(db.session, actor, page=page),
        total=count_inbox(db.session, actor),
        page=page,
    )


@bp.route("/cong-viec/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int):
    actor = current_actor()
    task = get_task(db.session, actor, task_id)
    form = load_form(task.dossier.procedure_version.form(task.form_name))
    data, errors = {}, {}
    if request.method == "POST":
        data = posted_data(form)
        try:
            with transaction(db.session):
                complete_task(
                    db.session,
                    actor,
                    task_id,
                    data,
                    expected_version=request.form.get("task_version", type=int),
                )
            flash(f"Đã hoàn thành: {task.title} — hồ sơ {task.dossier.code}.", "success")
            return redirect(url_for(".inbox"))
        except InvalidInput as error:
            errors = error.field_errors
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for(".inbox"))
    return render_template(
        "workspace/task.html",
        task=task,
        dossier=task.dossier,
        form=form,
        fields=form_fields(form, data, errors),
        errors=errors,
        events=list_events(db.session, task.dossier),
    ), (400 if errors else 200)


@bp.post("/cong-viec/<int:task_id>/nhan")
def claim(task_id: int):
    with transaction(db.session):
        claim_task(db.session, current_actor(), task_id)
    return redirect(url_for(".task", task_id=task_id))


@bp.get("/ho-so/<code>")
def dossier(code: str):
    dossier = get_dossier(db.session, current_actor(), code)
    return render_template(
        "workspace/dossier.html",
        dossier=dossier,
        events=list_events(db.session, dossier),
        tasks=list_open_tasks(db.session, dossier),
        messages=list_messages(db.session, current_actor(), code),
    )
