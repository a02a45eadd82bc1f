"""The applicant withdraws an unfinished dossier from the portal (status 7)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from engine.db import transaction
from engine.dossiers.withdrawal import is_withdrawable, withdraw_dossier
from engine.errors import Conflict, InvalidInput
from webapp.auth import current_actor, login_required
from webapp.extensions import db
from webapp.portal import bp


@bp.context_processor
def withdrawal_choice() -> dict:
    actor = current_actor()
    return {
        "applicant_may_withdraw": lambda dossier: (
            actor.user_id is not None
            and dossier.applicant_user_id == actor.user_id
            and is_withdrawable(dossier)
        )
    }


@bp.post("/ho-so/<code>/rut-ho-so")
@login_required
def withdraw(code: str):
    try:
        with transaction(db.session):
            withdraw_dossier(db.session, current_actor(), code, reason=request.form.get("reason"))
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
    else:
        flash("Hồ sơ đã được rút theo yêu cầu của bạn.", "success")
    return redirect(url_for(".dossier", code=code))
