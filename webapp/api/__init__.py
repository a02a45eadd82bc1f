"""The JSON API: the same service functions as the HTML views.

It uses the signed-in session; writes need the CSRF token in the X-CSRFToken header.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from webapp.api import views  # noqa: E402, F401
