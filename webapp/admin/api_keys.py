"""Quản trị › Khóa API: other systems' keys for /api/v1, within the administrator's agencies.

The secret appears on the creation answer only, which is not cached.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.agencies.tree import administered_agencies
from engine.api_clients.client_keys import (
    NewClientKey,
    agency_codes,
    create_client_key,
    list_client_keys,
    revoke_client_key,
)
from engine.api_clients.scopes import SCOPES
from engine.db import transaction
from engine.errors import InvalidInput
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/khoa-api")
def api_keys():
    return _render({}, {})


@bp.post("/khoa-api")
def create_api_key():
    form = request.form
    details = NewClientKey(
        client_name=form.get("client_name", ""),
        scopes=tuple(form.getlist("scopes")),
        agency_ids=tuple(form.getlist("agency_ids", type=int)),
        expires_on=form.get("expires_on", ""),
    )
    try:
        with transaction(db.session):
            issued = create_client_key(db.session, current_actor(), details)
    except InvalidInput as error:
        return _render(form, error.field_errors, status=400)
    return _render({}, {}, issued=issued, status=201)


@bp.post("/khoa-api/<int:key_id>/thu-hoi")
def revoke_api_key(key_id: int):
    with transaction(db.session):
        key = revoke_client_key(db.session, current_actor(), key_id)
    flash(f"Đã thu hồi khóa API {key.prefix}… của {key.client_name}.", "success")
    return redirect(url_for(".api_keys"))


def _render(form, errors: dict, *, issued=None, status: int = 200):
    actor = current_actor()
    keys = list_client_keys(db.session, actor)
    page = render_template(
        "admin/api_keys.html",
        keys=keys,
        agencies_of={key.id: agency_codes(db.session, key.agency_ids) for key in keys},
        agencies=administered_agencies(db.session, actor),
        scopes=SCOPES,
        form=form,
        errors=errors,
        issued=issued,
    )
    return page, status, NO_STORE
