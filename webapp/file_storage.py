"""Where the web app keeps uploaded and generated files: one setting for every blueprint.

`MOTCUA_FILES_DIR` in the app's config (the tests set it per test) or in the environment, as
the worker and the CLI read it (engine.files.storage.default_storage); ./var/files otherwise.
"""

from __future__ import annotations

from flask import current_app

from engine.files.storage import FolderStorage, default_storage


def file_storage() -> FolderStorage:
    folder = current_app.config.get("MOTCUA_FILES_DIR")
    return FolderStorage(folder) if folder else default_storage()
