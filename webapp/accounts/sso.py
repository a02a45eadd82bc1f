"""Sign-in with the national identity provider: redirect there, come back, link the account.

The provider is called from these views with no transaction open; the account is found or
created afterwards in one transaction (engine.users.national_identity).
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for

from connectors.vneid.client import (
    IdentityRefused,
    finish_authorization,
    settings_from_env,
    start_authorization,
)
from engine.db import transaction
from engine.errors import Forbidden, InvalidInput
from engine.users.national_identity import identity_from_claims, sign_in_national
from webapp.accounts import bp
from webapp.auth import landing_page, start_session
from webapp.extensions import db


def _callback_url() -> str:
    return url_for(".vneid_callback", _external=True)


@bp.get("/dang-nhap/vneid")
def vneid_start():
    settings = settings_from_env()
    if settings is None:
        abort(404)
    try:
        started = start_authorization(settings, _callback_url())
    except IdentityRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("auth.login"))
    session["oidc"] = {
        "state": started.state,
        "nonce": started.nonce,
        "code_verifier": started.code_verifier,
        "next": request.args.get("next", ""),
    }
    return redirect(started.url)


@bp.get("/dang-nhap/vneid/callback")
def vneid_callback():
    settings = settings_from_env()
    pending = session.pop("oidc", None) or {}
    if settings is None:
        abort(404)
    try:
        claims = finish_authorization(
            settings,
            _callback_url(),
            request.args.to_dict(),
            state=pending.get("state", ""),
            nonce=pending.get("nonce", ""),
            code_verifier=pending.get("code_verifier", ""),
        )
        identity = identity_from_claims(claims)
        with transaction(db.session):
            user = sign_in_national(db.session, identity)
    except (IdentityRefused, InvalidInput, Forbidden) as refused:
        flash(refused.message, "error")
        return redirect(url_for("auth.login"))
    start_session(user)
    flash(f"Đã đăng nhập bằng tài khoản định danh điện tử: {user.full_name}.", "success")
    if pending.get("next", "").startswith("/") and not pending["next"].startswith("//"):
        return redirect(pending["next"])
    return redirect(landing_page(user))
