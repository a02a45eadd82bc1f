"""The administration resource's blueprints: administrators only, as the admin pages are.

What each administrator then sees or changes is their agency subtree, decided by the engine
(engine.agencies.tree); an officer without the administrator's role, or a citizen, is refused
here with 403 before their input is read.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from engine.agencies.tree import require_administrator
from webapp.auth import current_actor


def admin_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix, description=description)
    blueprint.before_request(_administrators_only)
    return blueprint


def _administrators_only() -> None:
    require_administrator(current_actor())
