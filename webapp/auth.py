"""Sign-in with a password; the signed-in user becomes the request's Actor.

A session carries `signed_in_at` and `last_seen` (epoch seconds): it ends after
SESSION_IDLE_TIMEOUT without a request, after SESSION_ABSOLUTE_TIMEOUT in any case, and when
the password changed after it began (engine.users.sessions says which).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import wraps

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from connectors.vneid.client import settings_from_env as oidc_settings
from engine.db import transaction
from engine.errors import Forbidden, NotFound
from engine.users.actor import ANONYMOUS, Actor, load_actor
from engine.users.login import sign_in
from engine.users.models import User
from engine.users.sessions import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, session_end_reason
from webapp.extensions import db

bp = Blueprint("auth", __name__)


def current_actor() -> Actor:
    if "actor" not in g:
        g.actor = ANONYMOUS
        user_id = session.get("user_id")
        if user_id is not None and _session_still_valid(user_id):
            try:
                g.actor = load_actor(db.session, user_id)
            except NotFound:
                # the account is gone or locked; a database error is the 503 handler's
                session.clear()
    return g.actor


def signed_in_actor() -> Actor:
    """The signed-in actor, for JSON routes that answer 403 instead of redirecting to sign in."""
    actor = current_actor()
    if not actor.is_signed_in:
        raise Forbidden("Vui lòng đăng nhập.")
    return actor


def _session_still_valid(user_id: int) -> bool:
    now = time.time()
    user = db.session.get(User, user_id)
    reason = session_end_reason(
        signed_in_at=_moment(session.get("signed_in_at", 0)),
        last_seen=_moment(session.get("last_seen", 0)),
        now=_moment(now),
        password_changed_at=user.password_changed_at if user else None,
        idle=current_app.config.get("SESSION_IDLE_TIMEOUT", IDLE_TIMEOUT),
        absolute=current_app.config.get("SESSION_ABSOLUTE_TIMEOUT", ABSOLUTE_TIMEOUT),
    )
    if reason:
        session.clear()
        flash(reason, "warning")
        return False
    session["last_seen"] = now
    return True


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def start_session(user: User) -> None:
    """A fresh session for this user (the old one, and its CSRF token, are dropped)."""
    session.clear()
    session.permanent = True
    now = time.time()
    session.update(user_id=user.id, signed_in_at=now, last_seen=now)
    g.pop("actor", None)


def landing_page(user: User) -> str:
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("workspace.inbox" if user.kind == "officer" else "portal.home")
    return target


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_actor().user_id is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def require_kind(*kinds: str) -> None:
    """A blueprint's before_request: its audience only."""
    actor = current_actor()
    if actor.user_id is None:
        raise Forbidden("Vui lòng đăng nhập.")
    if actor.kind not in kinds:
        raise Forbidden("Tài khoản của bạn không được truy cập trang này.")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    vneid = oidc_settings() is not None
    if request.method == "GET":
        return render_template("login.html", vneid=vneid)
    with transaction(db.session):
        outcome = sign_in(
            db.session,
            request.form.get("username", ""),
            request.form.get("password", ""),
            ip=request.remote_addr or "unknown",
        )
    if outcome.unverified_user_id is not None:
        session["pending_user_id"] = outcome.unverified_user_id
        flash(outcome.problem, "warning")
        return redirect(url_for("accounts.verify"))
    if outcome.user is None:
        flash(outcome.problem, "error")
        return render_template("login.html", vneid=vneid), 401
    start_session(outcome.user)
    return redirect(landing_page(outcome.user))


@bp.post("/dang-xuat")
def logout():
    session.clear()
    return redirect(url_for("portal.home"))
