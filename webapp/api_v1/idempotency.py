"""The write operations' one transaction, with the `Idempotency-Key` header (engine.idempotency).

`answer_once` runs a creating operation in one transaction, at most once per key: a retry gets
the first answer with `Idempotent-Replayed: true`. Input the engine refuses (a form field, a
file) keeps nothing, not even the key, so the corrected retry runs.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import jsonify, request

from engine.db import transaction
from engine.idempotency.keys import (
    HEADER,
    IdempotentRequest,
    checked_key,
    owner_of,
    perform_once,
    request_fingerprint,
)
from webapp.auth import signed_in_actor
from webapp.extensions import db

REPLAYED = "Idempotent-Replayed"
#: documented on every operation that takes the header
KEY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Khóa chống tạo trùng: gửi lại cùng khóa và cùng nội dung trong 24 giờ nhận lại đúng "
        "kết quả lần đầu (Idempotent-Replayed: true). A retry with the same key and request "
        "gets the first answer; the same key with another request answers 422."
    ),
}


def answer_once(
    operation: Callable[[], tuple[int, dict]],
    *,
    location: Callable[[dict], str] | None = None,
):
    """The answer of `operation` (status, JSON body), run once per Idempotency-Key."""
    call = idempotent_request()
    with transaction(db.session):
        outcome = perform_once(db.session, call, operation)
    headers = {"Location": location(outcome.body)} if location else {}
    if outcome.replayed:
        headers[REPLAYED] = "true"
    return jsonify(outcome.body), outcome.status, headers


def idempotent_request() -> IdempotentRequest | None:
    """The call's key, owner and fingerprint; None without an Idempotency-Key header."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    return IdempotentRequest(
        owner=owner_of(signed_in_actor()),
        key=checked_key(key),
        endpoint=request.endpoint or request.path,
        fingerprint=request_fingerprint(request.path, _posted_body(), _posted_files()),
    )


def _posted_body() -> object:
    if request.mimetype == "multipart/form-data":
        return request.form.to_dict(flat=False)
    return request.get_json(silent=True)


def _posted_files() -> list[tuple[str, str, bytes]]:
    files = []
    for field, upload in request.files.items(multi=True):
        upload.stream.seek(0)  # the view may have read it already
        content = upload.read()
        upload.stream.seek(0)
        files.append((field, upload.filename or "", content))
    return files
