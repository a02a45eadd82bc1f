"""Answers that carry a printed document: PDF shown in the browser, spreadsheets downloaded."""

from __future__ import annotations

import io
from datetime import date

from flask import Response, send_file

from engine.errors import InvalidInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(xlsx: bytes, filename: str) -> Response:
    response = send_file(
        io.BytesIO(xlsx), mimetype=XLSX, download_name=filename, as_attachment=True
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def date_argument(value: str | None, field: str) -> date | None:
    """A date typed as YYYY-MM-DD (an <input type=date>) or DD/MM/YYYY; None when left empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "Ngày không hợp lệ.", {field: "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/02/2026."}
        ) from None
