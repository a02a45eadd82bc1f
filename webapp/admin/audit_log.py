"""The audit log page: administrators' changes, filtered, and one dossier's history.

Administrators and auditors read it (webapp.admin.AUDITOR_ENDPOINTS); it changes nothing.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Response, render_template, request

from engine.errors import InvalidInput, NotFound
from engine.users.audit_log import (
    AuditFilters,
    all_audit_entries,
    dossier_history,
    list_audit_entries,
)
from webapp.admin import bp
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.presentation import local_time

FILTER_FIELDS = ("user", "action", "target", "date_from", "date_to")


@bp.get("/nhat-ky")
def audit_log():
    filters = _filters()
    errors: dict[str, str] = {}
    try:
        page = list_audit_entries(
            db.session, current_actor(), filters, request.args.get("trang", 1, type=int)
        )
    except InvalidInput as error:
        errors = error.field_errors
        page = list_audit_entries(db.session, current_actor(), AuditFilters())
    code = request.args.get("ho_so", "").strip()
    dossier, events, dossier_error = None, [], ""
    if code:
        try:
            dossier, events = dossier_history(db.session, current_actor(), code)
        except NotFound as error:
            dossier_error = error.message
    return render_template(
        "admin/audit_log.html",
        page=page,
        filters=filters,
        errors=errors,
        dossier_code=code,
        dossier=dossier,
        events=events,
        dossier_error=dossier_error,
        query={name: getattr(filters, name) for name in FILTER_FIELDS},
    ), 400 if errors else 200


@bp.get("/nhat-ky.csv")
def audit_log_csv():
    entries = all_audit_entries(db.session, current_actor(), _filters())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng", "Chi tiết"])
    for entry in entries:
        writer.writerow(
            [
                local_time(entry.at, "%d/%m/%Y %H:%M:%S"),
                entry.actor_name,
                entry.action,
                entry.target,
                json.dumps(entry.details, ensure_ascii=False),
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=nhat-ky-quan-tri.csv"},
    )


def _filters() -> AuditFilters:
    return AuditFilters(**{name: request.args.get(name, "") for name in FILTER_FIELDS})
