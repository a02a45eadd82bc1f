"""Administration: publishing procedure packages."""

from flask import Blueprint

from webapp.auth import require_kind

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")
bp.before_request(lambda: require_kind("officer"))

from webapp.admin import views  # noqa: E402, F401
