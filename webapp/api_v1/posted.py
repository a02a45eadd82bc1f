"""Reading a write's input, sent as JSON or as multipart/form-data with a `payload` JSON part
and file parts: the same schema checks both, so a caller with files and one without are held
to the same rules. Files are checked by the engine (engine.files.uploads: size, sniffed type,
hostile content) exactly as the portal's are, and the whole request by MAX_CONTENT_LENGTH."""

from __future__ import annotations

import json

from flask import request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, validate

from webapp.portal.uploads import posted_single_file

MULTIPART = "multipart/form-data"
#: a document slot's file part is named as the portal's field: doc_<document code>
SLOT_PART_PREFIX = "doc_"
#: free text a write stores (a reason, a name): PostgreSQL text holds no NUL character, so one
#: is refused as the field's error rather than failing in the database
PLAIN_TEXT = validate.Regexp(r"^[^\x00]*\Z", error="Có ký tự không hợp lệ.")


def posted_payload(schema: Schema) -> dict:
    """The JSON body, or the `payload` part of a multipart post, loaded by `schema`; a 422 with
    the field errors otherwise."""
    if request.mimetype == MULTIPART:
        text = request.form.get("payload")
        try:
            raw = json.loads(text) if text is not None else {}
        except ValueError:
            abort(422, messages={"form": {"payload": ["Phần payload phải là JSON hợp lệ."]}})
    else:
        raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        abort(422, messages={"json": {"_schema": ["Nội dung phải là một đối tượng JSON."]}})
    try:
        return schema.load(raw)
    except ValidationError as error:
        abort(422, messages={"json": error.messages})


def posted_slot_files() -> dict[str, tuple[str, bytes]]:
    """Document code -> (file name, bytes) for each `doc_<code>` part with a file."""
    uploads = {}
    if request.mimetype != MULTIPART:
        return uploads
    for part, upload in request.files.items():
        if part.startswith(SLOT_PART_PREFIX) and upload.filename:
            uploads[part.removeprefix(SLOT_PART_PREFIX)] = (upload.filename, upload.read())
    return uploads


def posted_slot_file_lists() -> dict[str, list[tuple[str, bytes]]]:
    """Document code -> every (file name, bytes) of its `doc_<code>` parts: a paper handed in
    at the counter may be scanned as several pages."""
    uploads: dict[str, list[tuple[str, bytes]]] = {}
    if request.mimetype != MULTIPART:
        return uploads
    for part, upload in request.files.items(multi=True):
        if part.startswith(SLOT_PART_PREFIX) and upload.filename:
            code = part.removeprefix(SLOT_PART_PREFIX)
            uploads.setdefault(code, []).append((upload.filename, upload.read()))
    return uploads


def posted_attachment(part: str = "attachment") -> tuple[str, bytes] | None:
    if request.mimetype != MULTIPART:
        return None
    return posted_single_file(part)


def multipart_body(payload_description: str, files_description: str) -> dict:
    """The OpenAPI request body of an operation taking JSON or multipart, `payload` + files."""
    return {
        "type": "object",
        "required": ["payload"],
        "properties": {
            "payload": {"type": "string", "description": payload_description},
        },
        "additionalProperties": {
            "type": "string",
            "format": "binary",
            "description": files_description,
        },
    }


def json_or_multipart_body(schema: type[Schema], files_description: str) -> dict:
    """The OpenAPI request body of an operation taking `schema` as JSON, or as the `payload`
    part of a multipart post beside its files."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema},
            "multipart/form-data": {
                "schema": multipart_body(f"{schema.__name__} as JSON text", files_description)
            },
        },
    }
