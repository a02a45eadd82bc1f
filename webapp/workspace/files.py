"""Dossier files for officers: scoped downloads."""

from __future__ import annotations

from flask import request

from engine.dossiers.overview import get_dossier_file
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_responses import file_response
from webapp.file_storage import file_storage
from webapp.workspace import bp


@bp.get("/ho-so/<code>/tep/<int:file_id>")
def dossier_file(code: str, file_id: int):
    """Preview (inline) or, with ?tai-ve=1, download one file of a dossier the officer may see."""
    stored = get_dossier_file(db.session, current_actor(), code, file_id)
    return file_response(
        file_storage().get(stored.storage_key),
        stored.content_type,
        stored.original_name,
        inline=not request.args.get("tai-ve"),
    )
