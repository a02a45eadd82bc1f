"""Keeping what was typed when the session expired before "Nộp hồ sơ" or "Lưu nháp".

With no signed-in user there is no account to store a draft under, so the posted fields go into
a cookie of their own, signed with the app's secret (nobody can forge or edit it), valid for two
hours and at most ~3.5 KB (a cookie's limit is 4 KB). A separate cookie, because signing in
clears the session. After signing in, the submit page restores it into the citizen's
server-side draft and deletes the cookie. Files cannot travel in a cookie: the page says to
choose them again. It is the browser's own data going back to the same browser; the page shows
it for review and never submits it by itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "motcua_draft_stash"
MAX_AGE_SECONDS = 2 * 3600
MAX_COOKIE_CHARS = 3500
_IGNORED_FIELDS = {"csrf_token", "action"}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="draft-stash")


def same_origin_post() -> bool:
    """The anonymous stash is written only for posts from our own pages."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == request.host


def stash_value(procedure_code: str) -> str | None:
    """The signed cookie value for the posted form; None when it is too large to keep."""
    fields = {
        name: values
        for name, values in request.form.to_dict(flat=False).items()
        if name not in _IGNORED_FIELDS
    }
    value = _serializer().dumps({"code": procedure_code, "form": fields})
    return value if len(value) <= MAX_COOKIE_CHARS else None


def stashed_form(procedure_code: str) -> dict[str, list[str]] | None:
    """The posted fields stashed for this procedure, if the cookie is there, valid and fresh."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        stash = _serializer().loads(value, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(stash, dict) or stash.get("code") != procedure_code:
        return None
    form = stash.get("form")
    return form if isinstance(form, dict) else None
