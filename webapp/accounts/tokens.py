"""Tài khoản › Mã truy cập API: the signed-in person's personal tokens for /api/v1.

The secret is on the creation answer only (never in a flash message, which would put it in
the session cookie), and that answer is not cached.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.api_clients.personal_tokens import (
    create_personal_token,
    list_personal_tokens,
    revoke_personal_token,
)
from engine.db import transaction
from engine.errors import InvalidInput
from webapp.accounts import bp
from webapp.auth import current_actor, login_required
from webapp.extensions import db

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/tai-khoan/ma-truy-cap")
@login_required
def personal_tokens():
    return _render({}, {})


@bp.post("/tai-khoan/ma-truy-cap")
@login_required
def create_token():
    form = request.form
    try:
        with transaction(db.session):
            token, secret = create_personal_token(
                db.session,
                current_actor(),
                name=form.get("name", ""),
                expires_on=form.get("expires_on", ""),
            )
    except InvalidInput as error:
        return _render(form, error.field_errors, status=400)
    return _render({}, {}, new_token=token, secret=secret, status=201)


@bp.post("/tai-khoan/ma-truy-cap/<int:token_id>/thu-hoi")
@login_required
def revoke_token(token_id: int):
    with transaction(db.session):
        token = revoke_personal_token(db.session, current_actor(), token_id)
    flash(f"Đã thu hồi mã truy cập {token.prefix}…", "success")
    return redirect(url_for(".personal_tokens"))


def _render(form, errors: dict, *, new_token=None, secret=None, status: int = 200):
    page = render_template(
        "accounts/personal_tokens.html",
        tokens=list_personal_tokens(db.session, current_actor()),
        form=form,
        errors=errors,
        new_token=new_token,
        secret=secret,
    )
    return page, status, NO_STORE
