"""The administration resource's blueprints: administrators only, as the admin pages are.

What each administrator then sees or changes is their agency subtree, decided by the engine
(engine.agencies.tree); an officer without the administrator's role, or a citizen, is refused
here with 403 before their input is read. A change the engine refuses for its input (a unit
code in use, a weak password) answers 422 with the field errors, as the schema's own do.
"""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from engine.agencies.tree import require_administrator
from engine.errors import InvalidInput
from webapp.api_v1.errors import engine_error_response, error_response
from webapp.auth import current_actor

REFUSED_EN = "The input was refused; see the fields."


def admin_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix, description=description)
    blueprint.before_request(_administrators_only)
    blueprint.register_error_handler(InvalidInput, refused_change)
    return blueprint


def _administrators_only() -> None:
    require_administrator(current_actor())


def refused_change(error: InvalidInput):
    """422 for a write; a read's bad input (a cursor) answers as on every other list."""
    if request.method in ("GET", "HEAD"):
        return engine_error_response(error)
    return error_response(422, "invalid_input", error.message, REFUSED_EN, error.field_errors)
