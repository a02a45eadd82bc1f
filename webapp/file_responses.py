"""How a stored or generated file goes back to the browser: never as a page of this site.

Every file answer carries `nosniff` and a sandboxing Content-Security-Policy (an HTML or SVG
payload that slipped through would run in an opaque origin, with no script, no request, no
cookie). Only PDFs and images may open inline; anything else downloads. The name the uploader
gave travels in Content-Disposition as an ASCII fallback plus RFC 5987 `filename*` (UTF-8), so
a Vietnamese name survives and a quote, semicolon or line break in it cannot break the header.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

FILE_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; img-src 'self'"
#: shown in the browser when asked; anything else is always downloaded
PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png"})
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\- ]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def file_response(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> Response:
    """The file as an answer with safe headers; `inline` is honoured for PDFs and images only."""
    response = Response(content, mimetype=content_type)
    disposition = "inline" if inline and content_type in PREVIEWABLE else "attachment"
    response.headers["Content-Disposition"] = content_disposition(disposition, filename)
    protect_file_response(response)
    return response


def protect_file_response(response: Response) -> Response:
    """nosniff, the sandbox CSP and no shared caching, on any answer that carries a file."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


def content_disposition(disposition: str, filename: str) -> str:
    """`attachment; filename="Giay chung sinh.pdf"; filename*=UTF-8''Gi%E1%BA%A5y…`."""
    name = _CONTROL.sub(" ", filename or "").strip() or "tep"
    return (
        f'{disposition}; filename="{_ascii_fallback(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


def _ascii_fallback(name: str) -> str:
    name = name.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_ASCII.sub("_", plain).strip(" ._") or "tep"
