"""The web app: a thin server-rendered UI and a JSON API over the engine's service functions."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask

from engine.db import configure_engine, database_url, driver_url
from engine.deployment import session_secret
from engine.dossiers.notices import public_base_url
from engine.encryption.keys import settings_keys
from webapp.extensions import csrf, db


def create_app(test_config: dict | None = None) -> Flask:
    # connector secrets are sealed with MOTCUA_SETTINGS_KEY and sessions signed with
    # MOTCUA_SECRET_KEY: production refuses to start without them (DeploymentRefused says why);
    # development falls back to var/settings.key and a public session key
    settings_keys()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=session_secret(),
        SQLALCHEMY_DATABASE_URI=database_url(),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # behind HTTPS (production), the session cookie never travels in clear
        SESSION_COOKIE_SECURE=os.environ.get("MOTCUA_HTTPS", "") == "1",
        WTF_CSRF_TIME_LIMIT=None,
        PUBLIC_BASE_URL=public_base_url(),
    )
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = driver_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"].setdefault(
            "connect_args", {"timeout": 30, "check_same_thread": False}
        )

    db.init_app(app)
    csrf.init_app(app)
    with app.app_context():
        configure_engine(db.engine)

    from webapp import (
        accounts,
        admin,
        api,
        api_v1,
        auth,
        callbacks,
        errors,
        portal,
        security_headers,
        statistics,
        workspace,
    )
    from webapp.presentation import register_filters

    app.register_blueprint(auth.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(workspace.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    api_v1.register(app)
    app.register_blueprint(callbacks.bp)
    app.register_blueprint(statistics.bp)
    errors.register(app)
    security_headers.register(app)
    register_filters(app)
    return app
