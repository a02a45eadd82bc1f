"""Administration: procedure catalogue, packages and versions, agencies and officers."""

from flask import Blueprint

from engine.errors import Forbidden
from webapp.auth import current_actor, require_kind

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


@bp.before_request
def administrators_only() -> None:
    require_kind("officer")
    if not current_actor().agencies_for("admin"):
        raise Forbidden("Chỉ quản trị hệ thống được truy cập trang này.")


from webapp.admin import (  # noqa: E402, F401
    agencies,
    catalogue,
    drafts,
    officers,
    procedure_units,
    procedures,
    versions,
)
