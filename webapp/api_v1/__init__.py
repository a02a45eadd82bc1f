"""The JSON API v1 (issue #12): flask-smorest blueprints, one file per resource.

The OpenAPI 3.1 document is generated from the marshmallow schemas at /api/v1/openapi.json,
and rendered as a page at /api/v1/docs.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from webapp.api_v1.errors import ApiErrorSchema

API_PREFIX = "/api/v1"


class MotcuaApi(Api):
    """flask-smorest without its app-wide HTTP error handler: the HTML pages keep theirs; the
    documented error responses carry our one error shape."""

    ERROR_SCHEMA = ApiErrorSchema

    def _register_error_handlers(self):
        pass


def register(app: Flask) -> None:
    from webapp.api_v1 import (
        admin_agencies,
        admin_officers,
        admin_procedures,
        applicant_actions,
        counter,
        credentials,
        docs,
        documents,
        dossier_files,
        dossiers,
        errors,
        extensions,
        lookup,
        notifications,
        officer_actions,
        payments,
        postal,
        procedures,
        reports,
        results,
        staff_notices,
        submission,
        tasks,
    )

    app.config.setdefault("API_TITLE", "motcua API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = MotcuaApi(app, spec_kwargs={"extra_plugins": [credentials.ScopeDocumentation()]})
    blueprints = (
        procedures.blp,
        lookup.blp,
        dossiers.blp,
        tasks.blp,
        # the applicant's writes (issue #12)
        submission.blp,
        applicant_actions.blp,
        # officer actions (what the workspace offers)
        officer_actions.task_blp,
        officer_actions.dossier_blp,
        # reports and administration
        reports.blp,
        admin_agencies.blp,
        admin_officers.blp,
        admin_procedures.blp,
        # the workspace's other officer capabilities: counter, results, extensions, notices
        counter.blp,
        results.blp,
        extensions.dossier_blp,
        extensions.leader_blp,
        staff_notices.blp,
        # the citizen portal's other capabilities (issue #12): history and files, payments,
        # the e-document store, notifications, postage, the public e-receipt check
        dossier_files.blp,
        payments.blp,
        documents.blp,
        notifications.blp,
        postal.postage_blp,
        postal.receipt_blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + blueprint.url_prefix)
    credentials.register(app, api, blueprints)
    docs.register(app, api, API_PREFIX)
    errors.register(app)
