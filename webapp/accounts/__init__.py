"""Citizen accounts: registration, e-mail verification, password reset and change, VNeID."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from webapp.accounts import channels, sso, tokens, views  # noqa: E402, F401
