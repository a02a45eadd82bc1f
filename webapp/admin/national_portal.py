"""Quản trị › Cổng DVCQG: what the national portal has not received yet (with retry), the
portal dossiers that could not enter, and the catalogue changes to review and accept."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from engine.agencies.tree import require_root_administrator
from engine.db import transaction
from engine.national_portal.backlog import list_unsynced, retry_unsynced
from engine.national_portal.catalogue import accept_portal_change, list_portal_changes
from engine.national_portal.incoming import (
    forget_refused_portal_dossier,
    list_refused_portal_dossiers,
)
from engine.national_portal.sync import sync_enabled
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db


@bp.get("/dong-bo-dvcqg")
def portal_sync():
    actor = current_actor()
    return render_template(
        "admin/portal_sync.html",
        unsynced=list_unsynced(db.session, actor),
        refused=list_refused_portal_dossiers(db.session, actor),
        enabled=sync_enabled(db.session),
    )


@bp.post("/dong-bo-dvcqg/thu-lai/<int:message_id>")
def portal_sync_retry(message_id: int):
    with transaction(db.session):
        retry_unsynced(db.session, current_actor(), message_id)
    flash(f"Đã đưa bản đồng bộ #{message_id} về hàng chờ gửi ngay.", "success")
    return redirect(url_for(".portal_sync"))


@bp.post("/dong-bo-dvcqg/thu-lai-tat-ca")
def portal_sync_retry_all():
    with transaction(db.session):
        count = retry_unsynced(db.session, current_actor())
    flash(f"Đã đưa {count} bản đồng bộ về hàng chờ gửi ngay.", "success")
    return redirect(url_for(".portal_sync"))


@bp.post("/dong-bo-dvcqg/ho-so-tu-choi/<int:link_id>/lay-lai")
def portal_dossier_fetch_again(link_id: int):
    with transaction(db.session):
        code = forget_refused_portal_dossier(db.session, current_actor(), link_id)
    flash(f"Hồ sơ {code} sẽ được lấy lại từ Cổng ở lần đồng bộ tới.", "success")
    return redirect(url_for(".portal_sync"))


@bp.get("/dong-bo-dvcqg/thu-tuc")
def portal_catalogue():
    require_root_administrator(db.session, current_actor())
    return render_template(
        "admin/portal_catalogue.html", changes=list_portal_changes(db.session, current_actor())
    )


@bp.post("/dong-bo-dvcqg/thu-tuc/<int:change_id>/chap-nhan")
def portal_catalogue_accept(change_id: int):
    with transaction(db.session):
        procedure = accept_portal_change(db.session, current_actor(), change_id)
    flash(f"Đã cập nhật thủ tục {procedure.code} theo Cổng DVC quốc gia.", "success")
    return redirect(url_for(".portal_catalogue"))
