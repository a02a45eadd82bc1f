"""The applicant's in-portal notifications (what the outbox sent them), marked read."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from engine.db import transaction
from engine.dossiers.notifications import list_notifications, mark_notifications_read
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.portal import bp


@bp.get("/thong-bao")
@login_required
def notifications():
    return render_template(
        "portal/notifications.html", notifications=list_notifications(db.session, current_actor())
    )


@bp.post("/thong-bao/da-doc")
@login_required
def mark_read():
    with transaction(db.session):
        marked = mark_notifications_read(db.session, current_actor())
    flash(f"Đã đánh dấu {marked} thông báo là đã đọc.", "success")
    return redirect(url_for(".notifications"))
