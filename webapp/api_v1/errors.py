"""One error shape for every 4xx/5xx under /api/v1, with the message in Vietnamese and English."""

from __future__ import annotations

from flask import Flask, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, Forbidden, InvalidInput, MotcuaError, NotFound, Unavailable
from engine.idempotency.keys import KeyReused

#: engine error -> (status, code, English message when the engine gives none in English); a
#: subclass comes before its base class, the first match answers
ENGINE_ERRORS = {
    KeyReused: (422, "idempotency_key_reused", KeyReused.english),
    NotFound: (404, "not_found", "Not found."),
    Forbidden: (403, "forbidden", "Forbidden."),
    Conflict: (409, "conflict", "Conflict: someone else changed it first."),
    # understood but refused, whether by the schema or by the engine: one status for both
    InvalidInput: (422, "invalid_input", "Invalid input."),
    # an outside service (a payment provider) did not answer: try again later
    Unavailable: (503, "unavailable", "The provider did not answer; try again later."),
}


class ErrorMessageSchema(Schema):
    vi = fields.String(required=True, metadata={"description": "Thông báo tiếng Việt"})
    en = fields.String(required=True, metadata={"description": "The message in English"})


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "invalid_input"})
    message = fields.Nested(ErrorMessageSchema, required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "The message of each field that was refused"},
    )


class ApiErrorSchema(Schema):
    """What every 4xx/5xx answer of /api/v1 carries: the OpenAPI document says so."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def is_api_v1() -> bool:
    from webapp.api_v1 import API_PREFIX

    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def error_response(status: int, code: str, vi: str, en: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": {"vi": vi, "en": en}, "fields": fields or {}}}
    return jsonify(body), status


def engine_error_response(error: MotcuaError):
    if isinstance(error, Forbidden) and not _signed_in():
        from webapp.api_v1.credentials import sign_in_required_response

        return sign_in_required_response()
    for kind, (status, code, en) in ENGINE_ERRORS.items():
        if isinstance(error, kind):
            fields = getattr(error, "field_errors", None)
            return error_response(status, code, error.message or en, en, fields)
    return error_response(500, "internal_error", "Lỗi hệ thống.", "Internal error.")


def _signed_in() -> bool:
    from webapp.auth import current_actor

    return current_actor().is_signed_in


def http_error_response(error: HTTPException):
    messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
    if error.code == 422 and messages:
        fields = {k: v for location in messages.values() for k, v in location.items()}
        return error_response(
            422, "invalid_input", "Dữ liệu không hợp lệ.", "Invalid input.", fields
        )
    vi = {
        404: "Không tìm thấy.",
        405: "Phương thức không được hỗ trợ.",
        413: "Tệp tải lên quá lớn.",
        401: "Vui lòng đăng nhập.",
    }.get(error.code, "Yêu cầu không hợp lệ.")
    return error_response(
        error.code or 500,
        (error.name or "error").lower().replace(" ", "_"),
        vi,
        error.description or error.name,
        None,
    )


def refuse_nul_characters():
    """A path or query with a NUL character names nothing: PostgreSQL text cannot hold one, so
    looked up, it would fail in the database (a 500) instead of answering 404 or 422."""
    if not is_api_v1():
        return None
    if "\x00" in request.path:
        return error_response(404, "not_found", "Không tìm thấy.", "Not found.")
    refused = {
        name: ["Ký tự không hợp lệ."]
        for name in request.args
        if "\x00" in name or any("\x00" in value for value in request.args.getlist(name))
    }
    if refused:
        return error_response(
            422, "invalid_input", "Dữ liệu không hợp lệ.", "Invalid input.", refused
        )
    return None


#: what psycopg2 raises for a text holding U+0000, which PostgreSQL cannot store or compare
NUL_REFUSED = "A string literal cannot contain NUL (0x00) characters."


def register(app: Flask) -> None:
    """HTTP errors under /api/v1 answer in the one shape; elsewhere Flask's own handlers run."""
    app.before_request(refuse_nul_characters)

    @app.errorhandler(HTTPException)
    def api_http_error(error: HTTPException):
        if is_api_v1():
            return http_error_response(error)
        return error

    @app.errorhandler(ValueError)
    def api_nul_character(error: ValueError):
        """A NUL in a body's text (a name, a reason; paths and queries are refused before)
        reaches PostgreSQL as a 500 otherwise; the transaction has rolled back: nothing
        changed."""
        if not (is_api_v1() and str(error) == NUL_REFUSED):
            raise error
        from webapp.extensions import db

        db.session.rollback()
        return error_response(
            422,
            "invalid_input",
            "Dữ liệu không được chứa ký tự NUL (U+0000).",
            "Text must not contain the NUL character (U+0000).",
        )
