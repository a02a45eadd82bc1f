"""The officers' workspace: the task inbox, task forms, dossier pages."""

from flask import Blueprint

from webapp.auth import require_kind

bp = Blueprint("workspace", __name__, url_prefix="/can-bo")
bp.before_request(lambda: require_kind("officer"))

from webapp.workspace import (  # noqa: E402, F401
    actions,
    counter,
    documents,
    dossiers,
    extensions,
    files,
    messages,
    results,
    staff_notices,
    views,
)
