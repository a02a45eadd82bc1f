"""Officer buttons beside a task or a dossier: forward, return, undo, withdraw, move a step.

Each view is one service call in one transaction; refusals come back as a flash message on the
page the officer was on.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from engine.db import transaction
from engine.dossiers.handover import forward_candidates, forward_task, may_forward
from engine.dossiers.rewind import (
    movable_steps,
    move_dossier_to_step,
    return_to_previous_step,
    undo_last_action,
    undoable_task,
)
from engine.dossiers.withdrawal import is_withdrawable, may_withdraw, withdraw_dossier
from engine.errors import Conflict, InvalidInput
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.workspace import bp


@bp.context_processor
def action_choices() -> dict:
    """What the action panels may offer the signed-in officer (read only, no queries per row)."""
    actor = current_actor()
    return {
        "may_forward": lambda task: may_forward(actor, task),
        "forward_choices": lambda task: [
            user for user in forward_candidates(db.session, task) if user.id != actor.user_id
        ],
        "undoable": lambda dossier: undoable_task(db.session, actor, dossier),
        "may_withdraw": lambda d: is_withdrawable(d) and may_withdraw(actor, d),
        "movable_steps": lambda d: movable_steps(db.session, actor, d),
    }


@bp.post("/cong-viec/<int:task_id>/chuyen-can-bo")
def forward(task_id: int):
    return _perform(
        lambda: forward_task(
            db.session,
            current_actor(),
            task_id,
            to_user_id=request.form.get("to_user_id", type=int) or 0,
            note=request.form.get("note", ""),
        ),
        "Đã chuyển công việc cho cán bộ được chọn.",
        url_for(".task", task_id=task_id),
        url_for(".inbox"),
    )


@bp.post("/cong-viec/<int:task_id>/tra-lai")
def return_previous(task_id: int):
    return _perform(
        lambda: return_to_previous_step(
            db.session, current_actor(), task_id, reason=request.form.get("reason", "")
        ),
        "Đã trả hồ sơ về bước xử lý trước.",
        url_for(".task", task_id=task_id),
        url_for(".inbox"),
    )


@bp.post("/ho-so/<code>/hoan-tac")
def undo(code: str):
    return _perform(
        lambda: undo_last_action(db.session, current_actor(), code),
        "Đã hoàn tác; công việc được mở lại cho bạn.",
        url_for(".dossier", code=code),
    )


@bp.post("/ho-so/<code>/rut-ho-so")
def withdraw(code: str):
    return _perform(
        lambda: withdraw_dossier(
            db.session, current_actor(), code, reason=request.form.get("reason", "")
        ),
        "Đã ghi nhận yêu cầu rút hồ sơ của người nộp.",
        url_for(".dossier", code=code),
    )


@bp.post("/ho-so/<code>/chuyen-buoc")
def move_step(code: str):
    return _perform(
        lambda: move_dossier_to_step(
            db.session,
            current_actor(),
            code,
            bpmn_id=request.form.get("bpmn_id", ""),
            reason=request.form.get("reason", ""),
        ),
        "Đã chuyển hồ sơ về bước được chọn.",
        url_for(".dossier", code=code),
    )


def _perform(operation, success: str, back: str, done: str | None = None):
    """Run one operation; on refusal go back with the reason, on success go on to `done`."""
    try:
        with transaction(db.session):
            operation()
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
        return redirect(back)
    flash(success, "success")
    return redirect(done or back)
