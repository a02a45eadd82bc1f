"""Sign-in with a username and password; the signed-in user becomes the request's Actor."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from engine.errors import Forbidden
from engine.users.actor import ANONYMOUS, Actor, load_actor
from engine.users.login import authenticate
from webapp.extensions import db

bp = Blueprint("auth", __name__)


def current_actor() -> Actor:
    if "actor" not in g:
        user_id = session.get("user_id")
        g.actor = ANONYMOUS
        if user_id is not None:
            try:
                g.actor = load_actor(db.session, user_id)
            except Exception:
                session.clear()
    return g.actor


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
    if request.method == "POST":
        user = authenticate(
            db.session, request.form.get("username", ""), request.form.get("password", "")
        )
        if user is None:
            flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
            return render_template("login.html"), 401
        session.clear()
        session.permanent = True
        session["user_id"] = user.id
        target = request.args.get("next") or ""
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("workspace.inbox" if user.kind == "officer" else "portal.home")
        return redirect(target)
    return render_template("login.html")


@bp.post("/dang-xuat")
def logout():
    session.clear()
    return redirect(url_for("portal.home"))
