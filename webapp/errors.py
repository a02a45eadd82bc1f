"""Engine errors mapped to HTTP answers once, for every blueprint (CKAN's mapping)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import OperationalError

from engine.encryption.cipher import SecretUnreadable
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from engine.files.uploads import MAX_UPLOAD_BYTES


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    def answer(error, status: int, title: str):
        from webapp.api_v1.errors import engine_error_response, is_api_v1

        if is_api_v1():
            body, mapped, *headers = engine_error_response(error)
            # an outage's 503 and a too-large body's 413 stand; otherwise the error's own
            # status (a missing credential's 401, a reused idempotency key's 422)
            return body, (status if status in (413, 503) else mapped), *headers
        if _wants_json():
            body = {"error": error.message or title}
            if isinstance(error, InvalidInput):
                body["field_errors"] = error.field_errors
            return jsonify(body), status
        return render_template("error.html", title=title, message=error.message), status

    app.register_error_handler(NotFound, lambda e: answer(e, 404, "Không tìm thấy"))
    app.register_error_handler(Forbidden, lambda e: answer(e, 403, "Không có quyền truy cập"))
    app.register_error_handler(Conflict, lambda e: answer(e, 409, "Xung đột dữ liệu"))
    app.register_error_handler(InvalidInput, lambda e: answer(e, 400, "Dữ liệu không hợp lệ"))
    app.register_error_handler(Unavailable, lambda e: answer(e, 503, "Dịch vụ tạm thời gián đoạn"))

    @app.errorhandler(OperationalError)
    def database_unreachable(_error):
        # a PostgreSQL restart: answer cleanly; pool_pre_ping reconnects on the next request
        from webapp.api_v1.errors import error_response, is_api_v1
        from webapp.extensions import db

        db.session.rollback()
        vi = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."
        en = "The database is temporarily unreachable; please retry shortly."
        if is_api_v1():
            body, status = error_response(503, "service_unavailable", vi, en)
        else:
            message = f"{vi} ({en})"
            body, status = answer(InvalidInput(message), 503, "Hệ thống tạm thời gián đoạn")
        return body, status, {"Retry-After": "5"}

    @app.errorhandler(SecretUnreadable)
    def secret_unreadable(error: SecretUnreadable):
        # a key rotated away too early: the administrator reads the cause in the log and on
        # Quản trị › Kết nối; the caller gets a clean answer, never a traceback
        from webapp.api_v1.errors import error_response, is_api_v1
        from webapp.extensions import db

        db.session.rollback()
        app.logger.error(error.message)
        vi = (
            "Một kết nối của hệ thống chưa sẵn sàng (thiết lập bí mật không giải mã được). "
            "Vui lòng thử lại sau hoặc báo quản trị viên."
        )
        en = "A connector is not available: a stored secret cannot be decrypted."
        if is_api_v1():
            return error_response(503, "connector_unavailable", vi, en)
        if _wants_json():
            return jsonify({"error": vi}), 503
        return render_template("error.html", title="Kết nối chưa sẵn sàng", message=vi), 503

    @app.errorhandler(404)
    def not_found(_error):
        return answer(NotFound("Trang bạn tìm không tồn tại."), 404, "Không tìm thấy")

    @app.errorhandler(413)
    def too_large(_error):
        # the whole request is over MAX_CONTENT_LENGTH: refused before any of it is parsed
        from webapp.api_v1.errors import error_response, is_api_v1

        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        per_file = MAX_UPLOAD_BYTES // (1024 * 1024)
        message = (
            f"Dữ liệu gửi lên quá lớn: tối đa {limit} MB cho mỗi lần gửi, mỗi tệp tối đa "
            f"{per_file} MB. Vui lòng chọn tệp nhỏ hơn hoặc gửi làm nhiều lần."
        )
        if is_api_v1():
            english = f"The request is larger than {limit} MB (at most {per_file} MB per file)."
            return error_response(413, "payload_too_large", message, english)
        if _wants_json():
            return jsonify({"error": message}), 413
        return render_template("error.html", title="Tệp quá lớn", message=message), 413

    @app.errorhandler(400)
    def bad_request(error):
        from webapp.api_v1.errors import error_response, is_api_v1

        message = getattr(error, "description", "") or "Yêu cầu không hợp lệ."
        csrf_failed = "CSRF" in message
        if csrf_failed:
            message = (
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang."
            )
        if is_api_v1():
            # not the content refused (422) but the request itself
            if csrf_failed:
                english = "CSRF token missing or invalid: send X-CSRFToken, or a Bearer token."
                return error_response(400, "csrf_failed", message, english)
            return error_response(400, "bad_request", message, "Bad request.")
        return answer(InvalidInput(message), 400, "Yêu cầu không hợp lệ")
