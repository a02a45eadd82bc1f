"""Statistics: the leaders' dashboard and reports (/can-bo/thong-ke), the public figures."""

from flask import Blueprint

bp = Blueprint("statistics", __name__)

from webapp.statistics import views  # noqa: E402, F401
