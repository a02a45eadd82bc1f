"""The connector settings page: registered operations and per-provider settings.

A secret is shown as „đã đặt” with an empty field to replace it; its value never reaches the page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from connectors.registry import list_operations
from engine.agencies.tree import require_root_administrator
from engine.connector_settings.overview import SOURCE_LABELS, declared_keys, provider_overview
from engine.connector_settings.settings import list_settings, remove_setting, save_setting
from engine.db import transaction
from engine.errors import InvalidInput
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/ket-noi")
def connector_settings():
    require_root_administrator(db.session, current_actor())
    return _render({}, {}, None)


@bp.post("/ket-noi")
def save_connector_setting():
    form = request.form
    setting_id = form.get("setting_id", type=int)
    try:
        with transaction(db.session):
            setting = save_setting(
                db.session,
                current_actor(),
                provider=form.get("provider", ""),
                key=form.get("key", ""),
                value=form.get("value", ""),
                is_secret=form.get("is_secret") == "1",
                setting_id=setting_id,
            )
    except InvalidInput as error:
        return _render(form, error.field_errors, setting_id, status=400)
    flash(f"Đã lưu thiết lập {setting.provider}/{setting.key}.", "success")
    return redirect(url_for(".connector_settings"))


@bp.post("/ket-noi/<int:setting_id>/xoa")
def remove_connector_setting(setting_id: int):
    with transaction(db.session):
        remove_setting(db.session, current_actor(), setting_id)
    flash("Đã xóa thiết lập kết nối.", "success")
    return redirect(url_for(".connector_settings"))


def _render(form, errors: dict, failed_id: int | None, status: int = 200):
    operations = list_operations()
    declared = declared_keys()
    overview = provider_overview(db.session, current_actor())
    return render_template(
        "admin/connectors.html",
        operations=operations,
        overview=overview,
        source_labels=SOURCE_LABELS,
        providers=sorted(
            {operation.name.split("/")[0] for operation in operations}
            | {provider.name for provider in overview}
        ),
        settings=[
            setting
            for setting in list_settings(db.session, current_actor())
            if (setting.provider, setting.key) not in declared
        ],
        form=form,
        errors=errors,
        failed_id=failed_id,
    ), status
