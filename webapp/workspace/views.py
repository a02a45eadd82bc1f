from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from engine.calendar.working_days import calendar_from_session
from engine.db import transaction
from engine.dossiers.queries import list_events
from engine.dossiers.statuses import all_statuses
from engine.errors import Conflict, InvalidInput
from engine.procedures.queries import list_active_procedures
from engine.tasks.assignment import (
    assign_task,
    get_unit_task,
    list_assignable_officers,
    may_assign,
)
from engine.tasks.completion import claim_task, complete_task, release_task
from engine.tasks.due_state import URGENCY_LABELS, time_left
from engine.tasks.form_defaults import get_task_form
from engine.tasks.queries import (
    LEADER_TABS,
    OFFICER_TABS,
    InboxFilter,
    count_inbox_tabs,
    leader_agency_ids,
    list_inbox_rows,
)
from engine.tasks.unit_dashboard import unit_dashboard
from engine.timestamps import utcnow
from forms.rendering import form_fields
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.form_input import posted_data
from webapp.workspace import bp


@bp.get("/")
def inbox():
    actor = current_actor()
    inbox_filter = inbox_filter_from(request.args)
    now, calendar = utcnow(), calendar_from_session(db.session)
    rows = list_inbox_rows(db.session, actor, inbox_filter, now=now, calendar=calendar)
    counts = count_inbox_tabs(db.session, actor, inbox_filter, now=now, calendar=calendar)
    procedures = list_active_procedures(db.session)
    return render_template(
        "workspace/inbox.html",
        rows=[(row, time_left(row.dossier, now, calendar)) for row in rows],
        counts=counts,
        total=counts.get(inbox_filter.tab, 0),
        selected=inbox_filter,
        tabs=OFFICER_TABS + (LEADER_TABS if leader_agency_ids(actor) else ()),
        procedures=procedures,
        fields=sorted({procedure.field for procedure in procedures if procedure.field}),
        statuses=all_statuses(),
        urgencies=URGENCY_LABELS,
        may_assign=may_assign,
        args=request.args.to_dict(),
    )


def inbox_filter_from(args) -> InboxFilter:
    """The inbox's query string (Vietnamese names, as users see them in the address bar)."""
    tab = args.get("tab", "todo")
    return InboxFilter(
        tab=tab if tab in OFFICER_TABS + LEADER_TABS else "todo",
        procedure_id=args.get("thu_tuc", type=int),
        field=args.get("linh_vuc") or None,
        status=args.get("trang_thai") if args.get("trang_thai") in all_statuses() else None,
        channel=args.get("kenh", type=int),
        received_from=args.get("tu_ngay", type=_iso_date),
        received_until=args.get("den_ngay", type=_iso_date),
        urgency=args.get("han") or None,
        search=args.get("q", "")[:100],
        officer_id=args.get("can_bo", type=int),
        timing=args.get("ket_qua") or None,
        returned_month=args.get("thang", type=lambda value: _iso_date(value + "-01")),
        sort="received" if args.get("sap_xep") == "nhan" else "due",
        page=max(args.get("trang", 1, type=int), 1),
    )


def _iso_date(value: str) -> date:
    return date.fromisoformat(value)


@bp.route("/cong-viec/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int):
    actor = current_actor()
    opened = get_task_form(db.session, actor, task_id)
    task, form = opened.task, opened.form
    data, errors = opened.defaults, {}
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


@bp.post("/cong-viec/<int:task_id>/bo-nhan")
def release(task_id: int):
    with transaction(db.session):
        release_task(db.session, current_actor(), task_id)
    flash("Đã trả công việc về danh sách chưa nhận.", "success")
    return redirect(url_for(".inbox"))


@bp.route("/cong-viec/<int:task_id>/phan-cong", methods=["GET", "POST"])
def assign(task_id: int):
    actor = current_actor()
    task = get_unit_task(db.session, actor, task_id)
    if request.method == "POST":
        with transaction(db.session):
            task = assign_task(db.session, actor, task_id, request.form.get("officer_id", type=int))
        flash(f"Đã phân công: {task.title} — hồ sơ {task.dossier.code}.", "success")
        return redirect(url_for(".inbox", tab="unit"))
    officers = list_assignable_officers(db.session, task)
    return render_template("workspace/assign.html", task=task, officers=officers)


@bp.get("/don-vi")
def unit():
    now, calendar = utcnow(), calendar_from_session(db.session)
    dashboard = unit_dashboard(db.session, current_actor(), now=now, calendar=calendar)
    return render_template("workspace/unit.html", dashboard=dashboard)
