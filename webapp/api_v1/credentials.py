"""Bearer authentication for /api/v1: personal tokens and client keys (engine.api_clients).

Before each call: an `Authorization: Bearer` token becomes the request's Actor (a bad one
answers 401), and a client key must hold the scope of the operation (403 otherwise). A call
without a token keeps the session cookie, and so the CSRF check on writes. After each call made
with a token: its last-used time and, for a client key, one audit entry, committed together.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask, current_app, g, request
from flask_smorest import Api

from engine.api_clients.authentication import (
    CredentialRefused,
    authenticate_bearer,
    record_key_use,
    record_use,
)
from engine.api_clients.scopes import scope_for
from engine.db import transaction
from webapp.api_v1.errors import error_response, is_api_v1
from webapp.auth import current_actor
from webapp.extensions import csrf, db

SCHEME = "bearerAuth"
#: the resource each blueprint serves; an operation needs `<resource>:read` or `:write`
RESOURCE_OF_BLUEPRINT = {
    "api_v1_procedures": "catalogue",
    "api_v1_lookup": "lookup",
    "api_v1_dossiers": "dossiers",
    "api_v1_tasks": "tasks",
    # the applicant's writes (issue #12)
    "api_v1_submission": "dossiers",
    "api_v1_applicant": "dossiers",
    # officer actions
    "api_v1_task_actions": "tasks",
    "api_v1_officer_dossiers": "dossiers",
    # reports and administration
    "api_v1_reports": "reports",
    "api_v1_admin_agencies": "admin",
    "api_v1_admin_officers": "admin",
    "api_v1_admin_procedures": "admin",
    # the workspace's other officer capabilities
    "api_v1_counter": "dossiers",
    "api_v1_results": "dossiers",
    "api_v1_dossier_extensions": "dossiers",
    "api_v1_extension_requests": "dossiers",
    "api_v1_staff_notices": "tasks",
    # the citizen portal's other capabilities
    "api_v1_dossier_files": "dossiers",
    "api_v1_payments": "dossiers",
    "api_v1_documents": "documents",
    "api_v1_notifications": "dossiers",
    "api_v1_postage": "dossiers",
    "api_v1_receipts": "lookup",
}
#: resources anyone may read without a token
PUBLIC_RESOURCES = frozenset({"catalogue", "lookup"})
#: the API's own description, readable with any key
DOCUMENTATION_ENDPOINTS = frozenset({"api-docs.openapi_json", "api_v1_docs"})


def required_scope(endpoint: str, method: str) -> str | None:
    """The scope of an operation; None for an endpoint of no known resource (keys refused)."""
    resource = RESOURCE_OF_BLUEPRINT.get(endpoint.split(".", 1)[0])
    return scope_for(resource, method) if resource else None


def unauthenticated_response(vi: str, en: str, *, invalid_token: bool):
    body, status = error_response(401, "unauthenticated", vi, en)
    challenge = 'Bearer realm="motcua"' + (', error="invalid_token"' if invalid_token else "")
    return body, status, {"WWW-Authenticate": challenge}


def sign_in_required_response():
    return unauthenticated_response(
        "Vui lòng đăng nhập hoặc gửi mã truy cập (Authorization: Bearer).",
        "Authentication required: sign in or send a Bearer token.",
        invalid_token=False,
    )


def _needs_a_caller(endpoint: str | None, method: str) -> bool:
    """An operation outside the public reads: anonymous callers get 401 before their input is
    read, so a caller learns to sign in rather than how to shape a body it may not send."""
    if endpoint is None or endpoint in DOCUMENTATION_ENDPOINTS:
        return False
    scope = required_scope(endpoint, method)
    return scope is not None and not (
        scope.endswith(":read") and scope.split(":")[0] in PUBLIC_RESOURCES
    )


def authenticate_api_call():
    if not is_api_v1():
        return None
    header = request.headers.get("Authorization", "")
    if not header:
        if _needs_a_caller(request.endpoint, request.method) and not current_actor().is_signed_in:
            return sign_in_required_response()
        if request.endpoint and current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return unauthenticated_response(
            "Chỉ nhận mã truy cập dạng Bearer.",
            "Only Bearer tokens are accepted.",
            invalid_token=True,
        )
    try:
        credential = authenticate_bearer(db.session, token)
    except CredentialRefused as refused:
        g.api_refused = refused
        return unauthenticated_response(refused.message, refused.english, invalid_token=True)
    g.actor = credential.actor
    g.api_credential = credential
    if request.endpoint is None or request.endpoint in DOCUMENTATION_ENDPOINTS:
        return None
    scope = required_scope(request.endpoint, request.method)
    if not credential.allows(scope):
        return error_response(
            403,
            "forbidden",
            f"Khóa API không được phép thực hiện thao tác này ({scope or 'không xác định'}).",
            f"The API key lacks the scope of this operation ({scope or 'none'}).",
        )
    return None


def record_api_call(response):
    credential = g.get("api_credential")
    refused = g.get("api_refused")
    if credential is None and (refused is None or refused.key is None):
        return response
    if not db.session.is_active:
        db.session.rollback()
    call = {
        "method": request.method,
        "endpoint": request.endpoint or "",
        "path": request.path,
        "status": response.status_code,
    }
    with transaction(db.session):
        if credential is not None:
            record_use(db.session, credential, **call)
        else:
            record_key_use(db.session, refused.key, refusal=refused.reason, **call)
    return response


class ScopeDocumentation(BasePlugin):
    """Each operation of the OpenAPI document names the bearer scheme and the scope it needs."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            scope = required_scope(rule.endpoint, method)
            if scope is None:
                continue
            requirement = [{SCHEME: [scope]}]
            if not _needs_a_caller(rule.endpoint, method):
                requirement.append({})
            operation["security"] = requirement
            operation["x-scope"] = scope


def declare_scheme(api: Api) -> None:
    api.spec.components.security_scheme(
        SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Mã truy cập cá nhân (mc_pat_…, tạo ở trang Tài khoản) hoặc khóa API của hệ thống "
                "khác (mc_live_…, do quản trị cấp). Personal access token or a client API key; "
                "a key may call only the operations of its scopes (x-scope) for its agencies."
            ),
        },
    )


def register(app: Flask, api: Api, blueprints) -> None:
    """Hooks for every /api/v1 call; the blueprints' writes are CSRF-checked here, not globally,
    so a call with a token (no cookie) needs none."""
    for blueprint in blueprints:
        csrf.exempt(blueprint)
    declare_scheme(api)
    app.before_request(authenticate_api_call)
    app.after_request(record_api_call)
