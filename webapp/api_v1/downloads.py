"""File answers of /api/v1: the bytes with the HTML downloads' safe headers (nosniff, sandbox
CSP, no shared caching, an RFC 5987 file name), always as an attachment, and their OpenAPI
description."""

from __future__ import annotations

from flask import Response

from engine.files.content_types import ALLOWED
from engine.files.models import StoredFile
from webapp.file_responses import file_response
from webapp.file_storage import file_storage

BINARY = {"schema": {"type": "string", "format": "binary"}}


def download_doc(description: str, content_types=tuple(ALLOWED)) -> dict:
    """`@blp.doc(**download_doc(...))`: a 200 carrying the file, in one of `content_types`."""
    return {
        "responses": {
            "200": {
                "description": description,
                "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                "content": dict.fromkeys(content_types, BINARY),
            }
        }
    }


def stored_file_download(stored: StoredFile) -> Response:
    return file_response(
        file_storage().get(stored.storage_key), stored.content_type, stored.original_name
    )


def pdf_download(content: bytes, filename: str) -> Response:
    return file_response(content, "application/pdf", filename)
