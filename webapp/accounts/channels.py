"""The citizen chooses how notices reach them besides the portal's list: e-mail, Zalo, SMS."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.db import transaction
from engine.errors import InvalidInput
from engine.notifications.preferences import Channels, channels_of, save_channels
from engine.users.models import User
from webapp.accounts import bp
from webapp.auth import current_actor, login_required
from webapp.extensions import db


@bp.route("/tai-khoan/nhan-thong-bao", methods=["GET", "POST"])
@login_required
def notification_channels():
    actor = current_actor()
    user = db.session.get(User, actor.user_id)
    if user.kind == "officer":
        flash("Cán bộ nhận thông báo trong trang Thông báo công việc và qua e-mail.", "info")
        return redirect(url_for("workspace.staff_notices"))
    errors: dict[str, str] = {}
    chosen = channels_of(db.session, user.id)
    if request.method == "POST":
        wanted = {name: request.form.get(name) == "1" for name in ("email", "zalo", "sms")}
        try:
            with transaction(db.session):
                save_channels(db.session, actor, **wanted)
        except InvalidInput as error:
            errors = error.field_errors
            chosen = Channels(**wanted)
        else:
            flash("Đã lưu cách nhận thông báo.", "success")
            return redirect(url_for(".notification_channels"))
    page = render_template(
        "accounts/notification_channels.html", user=user, chosen=chosen, errors=errors
    )
    return page, 400 if errors else 200
