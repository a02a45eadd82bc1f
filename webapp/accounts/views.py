"""Registration, e-mail verification, forgotten and changed passwords (the pages)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from engine.db import transaction
from engine.errors import InvalidInput
from engine.users.models import User
from engine.users.password_changes import change_password, request_password_reset, reset_password
from engine.users.registration import (
    Registration,
    confirm_email,
    register_citizen,
    resend_verification,
)
from webapp.accounts import bp
from webapp.auth import current_actor, login_required, start_session
from webapp.extensions import db

REGISTRATION_FIELDS = ("full_name", "id_number", "email", "phone", "password", "password_again")


@bp.route("/dang-ky", methods=["GET", "POST"])
def register():
    values, errors = {}, {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in REGISTRATION_FIELDS}
        try:
            with transaction(db.session):
                user = register_citizen(db.session, Registration(**values))
        except InvalidInput as error:
            errors = error.field_errors
        else:
            if user.email:
                session["pending_user_id"] = user.id
                flash(f"Đã gửi mã xác minh tới {user.email}.", "success")
                return redirect(url_for(".verify"))
            start_session(user)
            flash("Đăng ký thành công.", "success")
            return redirect(url_for("portal.home"))
    shown = {name: value for name, value in values.items() if not name.startswith("password")}
    page = render_template("accounts/register.html", values=shown, errors=errors)
    return page, 400 if errors else 200


@bp.route("/xac-minh", methods=["GET", "POST"])
def verify():
    user_id = session.get("pending_user_id")
    if user_id is None:
        flash("Vui lòng đăng nhập để xác minh tài khoản.", "warning")
        return redirect(url_for("auth.login"))
    problem = None
    if request.method == "POST":
        with transaction(db.session):
            problem = confirm_email(db.session, user_id, request.form.get("code", ""))
        if problem is None:
            start_session(db.session.get(User, user_id))
            flash("Đã xác minh thư điện tử. Tài khoản đã sẵn sàng.", "success")
            return redirect(url_for("portal.home"))
    email = db.session.get(User, user_id).email
    page = render_template("accounts/verify.html", email=email, problem=problem)
    return page, 400 if problem else 200


@bp.post("/xac-minh/gui-lai")
def resend():
    user_id = session.get("pending_user_id")
    if user_id is None:
        return redirect(url_for("auth.login"))
    with transaction(db.session):
        resend_verification(db.session, user_id)
    flash("Đã gửi mã xác minh mới.", "success")
    return redirect(url_for(".verify"))


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot_password():
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        with transaction(db.session):
            request_password_reset(db.session, email)
        flash(
            "Nếu địa chỉ này thuộc một tài khoản, mã đặt lại mật khẩu đã được gửi tới đó.",
            "success",
        )
        return redirect(url_for(".reset", email=email))
    return render_template("accounts/forgot.html")


@bp.route("/dat-lai-mat-khau", methods=["GET", "POST"])
def reset():
    errors, problem = {}, None
    email = request.values.get("email", "")
    if request.method == "POST":
        form = request.form
        try:
            with transaction(db.session):
                user, problem = reset_password(
                    db.session,
                    email=email,
                    code=form.get("code", ""),
                    new=form.get("new", ""),
                    new_again=form.get("new_again", ""),
                )
        except InvalidInput as error:
            errors = error.field_errors
        else:
            if user is not None:
                flash("Đã đặt lại mật khẩu. Vui lòng đăng nhập bằng mật khẩu mới.", "success")
                return redirect(url_for("auth.login"))
    page = render_template("accounts/reset.html", email=email, errors=errors, problem=problem)
    return page, 400 if errors or problem else 200


@bp.route("/tai-khoan/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change():
    errors = {}
    if request.method == "POST":
        form = request.form
        try:
            with transaction(db.session):
                user = change_password(
                    db.session,
                    current_actor(),
                    current=form.get("current", ""),
                    new=form.get("new", ""),
                    new_again=form.get("new_again", ""),
                )
        except InvalidInput as error:
            errors = error.field_errors
        else:
            start_session(user)
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "success")
            return redirect(url_for("portal.home"))
    return render_template("accounts/change.html", errors=errors), 400 if errors else 200
