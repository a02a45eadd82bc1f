"""Officer pages: list with filters, create, edit, roles per agency, deactivate, reactivate."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.administration import parent_choices
from engine.db import transaction
from engine.errors import Conflict, InvalidInput
from engine.users.administration import deactivate_user
from engine.users.officers import (
    OfficerDetails,
    OfficerFilter,
    create_officer,
    get_officer,
    grant_role,
    list_officers,
    reactivate_user,
    revoke_role,
    update_officer,
)
from engine.users.roles import ROLES
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db

ACTIVE_CHOICES = {"": "Tất cả", "1": "Đang hoạt động", "0": "Đã khóa"}


@bp.get("/can-bo")
def officers():
    active = request.args.get("active", "")
    filters = OfficerFilter(
        agency_id=request.args.get("agency_id", type=int),
        role=request.args.get("role") or None,
        active={"1": True, "0": False}.get(active),
    )
    return render_template(
        "admin/officers.html",
        officers=list_officers(db.session, current_actor(), filters),
        filters=filters,
        active=active,
        active_choices=ACTIVE_CHOICES,
        agencies=_agencies(),
        roles=ROLES,
    )


@bp.get("/can-bo/moi")
def new_officer():
    values = {"agency_id": request.args.get("agency_id", type=int)}
    return _render_new(values, {})


@bp.post("/can-bo/moi")
def create_officer_():
    values = request.form.to_dict()
    values["agency_id"] = request.form.get("agency_id", type=int)
    try:
        with transaction(db.session):
            user = create_officer(
                db.session,
                current_actor(),
                values.get("username", ""),
                _details(),
                role=values.get("role", ""),
                agency_id=values["agency_id"],
            )
    except InvalidInput as error:
        return _render_new(values, error.field_errors, status=400)
    flash(f"Đã tạo tài khoản cán bộ {user.username} — {user.full_name}.", "success")
    return redirect(url_for(".officer", user_id=user.id))


@bp.get("/can-bo/<int:user_id>")
def officer(user_id: int):
    user = get_officer(db.session, current_actor(), user_id)
    values = {"full_name": user.full_name, "email": user.email or "", "phone": user.phone or ""}
    return _render_officer(user, values, {})


@bp.post("/can-bo/<int:user_id>")
def update_officer_(user_id: int):
    user = get_officer(db.session, current_actor(), user_id)
    try:
        with transaction(db.session):
            update_officer(db.session, current_actor(), user_id, _details())
    except InvalidInput as error:
        return _render_officer(user, request.form.to_dict(), error.field_errors, status=400)
    flash("Đã lưu thông tin cán bộ.", "success")
    return redirect(url_for(".officer", user_id=user_id))


@bp.post("/can-bo/<int:user_id>/vai-tro")
def grant_role_(user_id: int):
    user = get_officer(db.session, current_actor(), user_id)
    role = request.form.get("role", "")
    agency_id = request.form.get("agency_id", type=int)
    try:
        with transaction(db.session):
            grant_role(db.session, current_actor(), user_id, role, agency_id)
    except InvalidInput as error:
        values = {"full_name": user.full_name, "email": user.email or "", "phone": user.phone or ""}
        return _render_officer(user, values, error.field_errors, status=400)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".officer", user_id=user_id))
    flash(f"Đã giao vai trò {ROLES[role]}.", "success")
    return redirect(url_for(".officer", user_id=user_id))


@bp.post("/can-bo/<int:user_id>/vai-tro/<int:assignment_id>/bo")
def revoke_role_(user_id: int, assignment_id: int):
    try:
        with transaction(db.session):
            revoke_role(db.session, current_actor(), user_id, assignment_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".officer", user_id=user_id))
    flash("Đã bỏ vai trò.", "success")
    return redirect(url_for(".officer", user_id=user_id))


@bp.post("/can-bo/<int:user_id>/khoa")
def deactivate_officer(user_id: int):
    try:
        with transaction(db.session):
            handed_back = deactivate_user(
                db.session, current_actor(), user_id, reason=request.form.get("reason", "")
            )
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".officer", user_id=user_id))
    flash(
        f"Đã khóa tài khoản; {handed_back} công việc đang xử lý được trả về hàng chờ của đơn vị.",
        "success",
    )
    return redirect(url_for(".officer", user_id=user_id))


@bp.post("/can-bo/<int:user_id>/mo-khoa")
def reactivate_officer(user_id: int):
    try:
        with transaction(db.session):
            reactivate_user(db.session, current_actor(), user_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for(".officer", user_id=user_id))
    flash("Tài khoản đã hoạt động trở lại.", "success")
    return redirect(url_for(".officer", user_id=user_id))


def _details() -> OfficerDetails:
    return OfficerDetails(
        full_name=request.form.get("full_name", ""),
        email=request.form.get("email", ""),
        phone=request.form.get("phone", ""),
        password=request.form.get("password", ""),
    )


def _agencies():
    """Active units the administrator may give roles in."""
    return parent_choices(db.session, current_actor())


def _render_new(values: dict, errors: dict, status: int = 200):
    values.pop("password", None)
    return render_template(
        "admin/officer_new.html", values=values, errors=errors, agencies=_agencies(), roles=ROLES
    ), status


def _render_officer(user, values: dict, errors: dict, status: int = 200):
    values.pop("password", None)
    return render_template(
        "admin/officer.html",
        user=user,
        values=values,
        errors=errors,
        agencies=_agencies(),
        roles=ROLES,
    ), status
