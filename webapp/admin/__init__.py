"""Administration: procedure catalogue, packages, drafts and versions, agencies and officers,
calendar, working hours, audit log, the system page, connector settings, API keys and the
national portal sync."""

from flask import Blueprint, request

from engine.agencies.tree import require_administrator
from webapp.auth import current_actor, require_kind

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

#: the pages an auditor (thanh tra) may read without being an administrator
AUDITOR_ENDPOINTS = frozenset({"admin.audit_log", "admin.audit_log_csv"})


@bp.before_request
def administrators_only() -> None:
    require_kind("officer")
    actor = current_actor()
    if request.endpoint in AUDITOR_ENDPOINTS and actor.agencies_for("auditor"):
        return
    require_administrator(actor)


from webapp.admin import (  # noqa: E402, F401
    agencies,
    api_keys,
    audit_log,
    catalogue,
    connectors,
    drafts,
    national_portal,
    notice_templates,
    officers,
    procedure_units,
    procedures,
    system,
    versions,
    working_calendar,
    working_hours,
)
