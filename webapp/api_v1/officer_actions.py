"""Officer actions: what the workspace's task and dossier pages offer, one engine service per
call, the same services webapp/workspace calls.

Each action answers with what a client needs next: the task (its new version and holder) after
claim, release, forward and assign, and after undo (the reopened task, the caller's again); the
dossier (its new status) after complete, return and move-step, when the task is no longer the
caller's to work on.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.db import transaction
from engine.dossiers.handover import forward_task
from engine.dossiers.rewind import (
    list_movable_steps,
    move_dossier_to_step,
    return_to_previous_step,
    undo_last_action,
)
from engine.tasks.assignment import assign_task
from engine.tasks.completion import claim_task, complete_task, release_task
from engine.tasks.form_defaults import TaskForm, get_task_form
from webapp.api.schemas import DossierSchema, TaskSchema
from webapp.api_v1.errors import ApiErrorSchema
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.posted import PLAIN_TEXT
from webapp.auth import signed_in_actor
from webapp.extensions import db

task_blp = Blueprint(
    "api_v1_task_actions",
    __name__,
    url_prefix="/tasks",
    description="Xử lý một công việc: xem biểu mẫu, hoàn thành, nhận, trả, chuyển, phân công.",
)
dossier_blp = Blueprint(
    "api_v1_officer_dossiers",
    __name__,
    url_prefix="/dossiers",
    description="Thao tác của cán bộ trên hồ sơ: hoàn tác, chuyển về bước đã qua.",
)

TASK = "/" + id_segment("task_id")
TASK_AFTER = "The task, with its new version and holder"
AFTER_COMPLETE = "The dossier at its next step (the task is done)"
AFTER_RETURN = "The dossier, back at the step before (reopened for that step's last worker)"
AFTER_UNDO = "The reopened task, the caller's again"
AFTER_MOVE = "The dossier at the chosen step"
CONFLICT = "Someone acted on the task or dossier first, or it is not in a state for this action."


class AssigneeSchema(Schema):
    id = fields.Integer()
    full_name = fields.String()


class OfficerTaskSchema(TaskSchema):
    state = fields.String(metadata={"description": "open, completed or cancelled"})
    assignee_id = fields.Integer(allow_none=True, metadata={"description": "null: unclaimed"})


class TaskFormSchema(Schema):
    title = fields.String()
    schema = fields.Dict(metadata={"description": "JSON Schema (draft 2020-12) of `data`"})
    ui = fields.Dict(metadata={"description": "Field order, sections and widgets"})
    data = fields.Dict(metadata={"description": "What the form starts with, as the page shows"})


class TaskDetailSchema(OfficerTaskSchema):
    """A task as its worker opens it: OfficerTaskSchema, its holder and its form."""

    assignee = fields.Nested(AssigneeSchema, allow_none=True)
    form = fields.Nested(TaskFormSchema, allow_none=True, metadata={"description": "null: none"})

    def get_attribute(self, obj: TaskForm, attr: str, default):
        if attr == "assignee":
            return obj.assignee
        if attr == "form":
            return None if obj.form is None else {**vars(obj.form), "data": obj.defaults}
        return super().get_attribute(obj.task, attr, default)


class CompleteArgs(Schema):
    data = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": "The form's fields"}
    )
    version = stored_integer(
        required=True, metadata={"description": "The task's version as read; another is 409"}
    )


class ForwardArgs(Schema):
    to_user_id = stored_integer(required=True, metadata={"description": "A colleague's user id"})
    note = fields.String(load_default="", validate=[validate.Length(max=2000), PLAIN_TEXT])


class AssignArgs(Schema):
    officer_id = stored_integer(required=True, metadata={"description": "An officer's user id"})


class ReasonArgs(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), PLAIN_TEXT])


class MoveStepArgs(ReasonArgs):
    bpmn_id = fields.String(required=True, validate=[validate.Length(min=1, max=255), PLAIN_TEXT])


class StepSchema(Schema):
    bpmn_id = fields.String()
    title = fields.String()


class MovableStepsSchema(Schema):
    steps = fields.List(
        fields.Nested(StepSchema),
        metadata={"description": "Empty unless the caller administers the dossier's agency"},
    )


@task_blp.get(TASK)
@task_blp.response(200, TaskDetailSchema, description="The task, its holder and its form")
def show_task(task_id: int):
    """Signed in: a task the caller may work on (its role, unclaimed or theirs), with its form;
    404 otherwise."""
    return get_task_form(db.session, signed_in_actor(), task_id)


@task_blp.post(TASK + "/complete")
@task_blp.arguments(CompleteArgs)
@task_blp.response(200, DossierSchema, description=AFTER_COMPLETE)
@task_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def complete(args: dict, task_id: int):
    """Complete the task with its form's data: answers with the dossier at its next step.

    Refused form data is 422 with each field's message, and nothing changes."""
    with transaction(db.session):
        task = complete_task(
            db.session, signed_in_actor(), task_id, args["data"], expected_version=args["version"]
        )
    return task.dossier


@task_blp.post(TASK + "/claim")
@task_blp.response(200, OfficerTaskSchema, description=TASK_AFTER)
@task_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def claim(task_id: int):
    """Take an unclaimed task of one's role: answers with the task, now the caller's."""
    with transaction(db.session):
        return claim_task(db.session, signed_in_actor(), task_id)


@task_blp.post(TASK + "/release")
@task_blp.response(200, OfficerTaskSchema, description=TASK_AFTER)
def release(task_id: int):
    """Give one's task back to the unclaimed list: answers with the task."""
    with transaction(db.session):
        return release_task(db.session, signed_in_actor(), task_id)


@task_blp.post(TASK + "/forward")
@task_blp.arguments(ForwardArgs)
@task_blp.response(200, OfficerTaskSchema, description=TASK_AFTER)
@task_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def forward(args: dict, task_id: int):
    """Hand the task to a colleague holding its role in its agency: answers with the task."""
    with transaction(db.session):
        return forward_task(db.session, signed_in_actor(), task_id, **args)


@task_blp.post(TASK + "/return")
@task_blp.arguments(ReasonArgs)
@task_blp.response(200, DossierSchema, description=AFTER_RETURN)
@task_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def return_previous(args: dict, task_id: int):
    """Send the dossier back to the officer step before this task: answers with the dossier
    (the reopened step is its previous worker's)."""
    with transaction(db.session):
        return return_to_previous_step(db.session, signed_in_actor(), task_id, **args).dossier


@task_blp.post(TASK + "/assign")
@task_blp.arguments(AssignArgs)
@task_blp.response(200, OfficerTaskSchema, description=TASK_AFTER)
@task_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def assign(args: dict, task_id: int):
    """A unit's leader gives the task to a named officer: answers with the task."""
    with transaction(db.session):
        return assign_task(db.session, signed_in_actor(), task_id, args["officer_id"])


@dossier_blp.post("/<code>/undo")
@dossier_blp.response(200, OfficerTaskSchema, description=AFTER_UNDO)
@dossier_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def undo(code: str):
    """Reopen the task the caller completed last, while nobody acted since: answers with it."""
    with transaction(db.session):
        return undo_last_action(db.session, signed_in_actor(), code)


@dossier_blp.post("/<code>/move-step")
@dossier_blp.arguments(MoveStepArgs)
@dossier_blp.response(200, DossierSchema, description=AFTER_MOVE)
@dossier_blp.alt_response(409, schema=ApiErrorSchema, description=CONFLICT)
def move_step(args: dict, code: str):
    """An administrator of the agency moves the dossier back to a step it has reached (one of
    GET …/steps): answers with the dossier."""
    with transaction(db.session):
        return move_dossier_to_step(db.session, signed_in_actor(), code, **args)


@dossier_blp.get("/<code>/steps")
@dossier_blp.response(200, MovableStepsSchema)
def movable_steps(code: str):
    """Signed in: the reached steps the caller may move the dossier to (move-step)."""
    steps = list_movable_steps(db.session, signed_in_actor(), code)
    return {"steps": [{"bpmn_id": bpmn_id, "title": title} for bpmn_id, title in steps]}
