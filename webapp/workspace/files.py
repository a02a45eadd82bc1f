"""Dossier files for officers: the storage the workspace writes to, and scoped downloads."""

from __future__ import annotations

from flask import current_app, request

from engine.dossiers.overview import get_dossier_file
from engine.files.storage import FileStorage, FolderStorage, default_storage
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.file_responses import file_response
from webapp.workspace import bp


def file_storage() -> FileStorage:
    """The folder in the app's FILES_DIR setting, else MOTCUA_FILES_DIR (default ./var/files)."""
    folder = current_app.config.get("FILES_DIR")
    return FolderStorage(folder) if folder else default_storage()


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
