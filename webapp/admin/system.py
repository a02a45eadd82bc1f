"""The system page: are the workers alive, what waits in the outbox, what failed (with retry)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from engine.agencies.tree import require_root_administrator
from engine.db import transaction
from engine.heartbeat.workers import ALIVE_WITHIN, worker_statuses
from engine.outbox.backlog import (
    STATUS_LABELS,
    list_failed,
    outbox_backlog,
    retry_failed,
)
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/he-thong")
def system():
    require_root_administrator(db.session, current_actor())
    return render_template(
        "admin/system.html",
        workers=worker_statuses(db.session),
        alive_within=int(ALIVE_WITHIN.total_seconds()),
        backlog=outbox_backlog(db.session),
        failed=list_failed(db.session),
        status_labels=STATUS_LABELS,
    )


@bp.post("/he-thong/thu-lai/<int:message_id>")
def system_retry(message_id: int):
    with transaction(db.session):
        retry_failed(db.session, current_actor(), message_id)
    flash(f"Đã đưa tác vụ #{message_id} về hàng chờ; worker sẽ thực hiện lại.", "success")
    return redirect(url_for(".system"))


@bp.post("/he-thong/thu-lai-tat-ca")
def system_retry_all():
    with transaction(db.session):
        count = retry_failed(db.session, current_actor())
    flash(f"Đã đưa {count} tác vụ thất bại về hàng chờ.", "success")
    return redirect(url_for(".system"))
