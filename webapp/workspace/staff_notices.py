"""The officer's in-app notifications: deadline warnings, extension requests, hand-overs."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from engine.db import transaction
from engine.notifications.staff_inbox import (
    count_unread_staff_notices,
    list_staff_notices,
    mark_staff_notices_read,
)
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.workspace import bp


@bp.app_context_processor
def unread_staff_notices():
    """A function, so only pages that show the officer's menu run the count."""
    return {"unread_staff_notices": lambda: count_unread_staff_notices(db.session, current_actor())}


@bp.get("/thong-bao")
def staff_notices():
    return render_template(
        "workspace/staff_notices.html", notices=list_staff_notices(db.session, current_actor())
    )


@bp.post("/thong-bao/da-doc")
def mark_staff_notices_seen():
    with transaction(db.session):
        marked = mark_staff_notices_read(db.session, current_actor())
    flash(f"Đã đánh dấu {marked} thông báo là đã đọc.", "success")
    return redirect(url_for(".staff_notices"))
