"""Public lookup by dossier code: status and steps, never personal data."""

from __future__ import annotations

from flask_smorest import Blueprint

from engine.dossiers.queries import lookup_dossier
from webapp.api.schemas import PublicDossierSchema
from webapp.extensions import db

blp = Blueprint(
    "api_v1_lookup", __name__, url_prefix="/lookup", description="Tra cứu hồ sơ theo mã (public)."
)


@blp.get("/<code>")
@blp.response(200, PublicDossierSchema)
def lookup(code: str):
    """Public: a dossier's status by its code."""
    return lookup_dossier(db.session, code)
