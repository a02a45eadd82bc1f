"""The public portal: catalogue, online submission, the applicant's dossiers, lookup by code."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from webapp.portal import views, withdrawal  # noqa: E402, F401
