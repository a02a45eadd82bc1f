"""The document-management system (QLVB) fetches the result files it numbers, and calls back
with what it issued. Neither request has a session: a file link proves itself by its HMAC, a
callback by its body signature, both made with the shared secret of Quản trị › Kết nối."""

from __future__ import annotations

import logging

from flask import abort, request

from connectors.document_management.client import (
    SETTINGS_PROVIDER,
    InvalidSignature,
    MalformedCallback,
    read_callback,
    valid_file_link,
)
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.document_issues.exchange import (
    TAKEN,
    UNKNOWN,
    record_issued_document,
    result_file_for_link,
    shared_secret,
)
from webapp.callbacks import bp
from webapp.extensions import csrf, db
from webapp.file_responses import file_response
from webapp.file_storage import file_storage

log = logging.getLogger(__name__)


@bp.get("/qlvb/tep/<int:file_id>/<token>")
def document_file(file_id: int, token: str):
    """One result file, for the system to number: 404 for a wrong link or any other file."""
    if not valid_file_link(shared_secret(db.session), file_id, token):
        abort(404)
    stored = result_file_for_link(db.session, file_id) or abort(404)
    return file_response(
        file_storage().get(stored.storage_key), stored.content_type, stored.original_name
    )


@bp.post("/qlvb/callback")
@csrf.exempt
def document_issued():
    """The number, the date and the signed files: verified, taken once, answered at once; a
    signed callback about no submission of ours is 404, for the system's operators to see."""
    settings = provider_settings(db.session, SETTINGS_PROVIDER)
    db.session.rollback()
    try:
        issued = read_callback(request.get_data(), request.headers, settings)
    except InvalidSignature:
        log.warning("QLVB callback with a bad signature")
        return {"error": "invalid_signature"}, 401
    except MalformedCallback as error:
        return {"error": "malformed", "message": str(error)}, 400
    with transaction(db.session):
        outcome = record_issued_document(db.session, file_storage(), issued)
    if outcome == UNKNOWN:
        return {"error": "unknown_reference"}, 404
    return {"received": True, "duplicate": outcome != TAKEN}, 200
