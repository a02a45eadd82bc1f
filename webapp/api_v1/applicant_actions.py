"""What the applicant does on their own dossier: messages, supplement requests (their tasks),
withdrawal and the satisfaction rating. The engine operations are the portal's, so are the
rules: another citizen's dossier is 404; an officer of the dossier's agency may read and send
messages and record a withdrawal at the applicant's request (one-stop officers only, 403 for
the others), as in the workspace."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.dossiers.messages import MAX_BODY, list_messages, post_message
from engine.dossiers.ratings import MAX_COMMENT, RATING_LEVELS, rate_dossier
from engine.dossiers.supplement_answer import answer_supplement, list_applicant_tasks, task_slots
from engine.dossiers.withdrawal import withdraw_dossier
from webapp.api.schemas import DossierSchema
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.posted import (
    json_or_multipart_body,
    posted_attachment,
    posted_payload,
    posted_slot_files,
)
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_applicant",
    __name__,
    url_prefix="/dossiers",
    description="Người nộp trên hồ sơ của mình: tin nhắn, bổ sung, rút hồ sơ, đánh giá.",
)


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String(attribute="original_name")
    content_type = fields.String()
    size = fields.Integer()


class MessageSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    kind = fields.String()
    from_applicant = fields.Boolean()
    sender_name = fields.String()
    created_at = fields.AwareDateTime()
    attachment = fields.Nested(AttachmentSchema, attribute="stored_file", allow_none=True)


class MessageListSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema))


class NewMessageSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(1, MAX_BODY))


class DocumentSlotSchema(Schema):
    code = fields.String()
    name = fields.String()
    required = fields.Boolean()
    note = fields.String()
    part = fields.String(attribute="field", metadata={"description": "The multipart file part"})


class ApplicantTaskSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    form_name = fields.String(allow_none=True)
    version = fields.Integer()
    due_at = fields.AwareDateTime(allow_none=True)
    documents = fields.Function(
        lambda task: DocumentSlotSchema(many=True).dump(task_slots(task)),
        metadata={"description": "The document slots the answer may fill"},
    )


class ApplicantTaskListSchema(Schema):
    items = fields.List(fields.Nested(ApplicantTaskSchema))


class AnswerSchema(Schema):
    data = fields.Dict(keys=fields.String(), required=True)
    store_documents = fields.Dict(keys=fields.String(), values=stored_integer(), load_default=dict)


class WithdrawalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class RatingArgsSchema(Schema):
    level = stored_integer(1, max(RATING_LEVELS), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=MAX_COMMENT))


class RatingSchema(Schema):
    level = fields.Integer()
    label = fields.Function(lambda rating: RATING_LEVELS[rating.level])
    comment = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


@blp.get("/<code>/messages")
@blp.response(200, MessageListSchema)
def messages(code: str):
    """The applicant, or an officer of the dossier's agency: the dossier's messages, oldest
    first."""
    return {"items": list_messages(db.session, signed_in_actor(), code)}


@blp.post("/<code>/messages")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody=json_or_multipart_body(NewMessageSchema, "attachment: one file (optional)"),
)
@blp.response(201, MessageSchema)
def send_message(code: str):
    """The applicant (or an officer of the agency): send a message, with an optional file."""
    actor = signed_in_actor()
    body = posted_payload(NewMessageSchema())["body"]
    attachment = posted_attachment()

    def send() -> tuple[int, dict]:
        message = post_message(db.session, actor, file_storage(), code, body, attachment)
        return 201, MessageSchema().dump(message)

    return answer_once(send)


@blp.get("/<code>/tasks")
@blp.response(200, ApplicantTaskListSchema)
def applicant_tasks(code: str):
    """The applicant: the open tasks waiting for them (supplement requests), with the form to
    fill and the document slots; 404 for anyone else."""
    return {"items": list_applicant_tasks(db.session, signed_in_actor(), code)}


@blp.post("/<code>/tasks/" + id_segment("task_id") + "/answer")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody=json_or_multipart_body(AnswerSchema, "doc_<document code>: a supplemented file"),
)
@blp.response(200, DossierSchema)
def answer_task(code: str, task_id: int):
    """The applicant: answer a supplement request with its form data and files; the dossier
    goes back to the officers."""
    actor = signed_in_actor()
    answer = posted_payload(AnswerSchema())
    uploads = posted_slot_files()

    def send() -> tuple[int, dict]:
        task = answer_supplement(
            db.session,
            actor,
            file_storage(),
            code,
            task_id,
            answer["data"],
            uploads=uploads,
            store_choices=answer["store_documents"],
        )
        return 200, DossierSchema().dump(task.dossier)

    return answer_once(send)


@blp.post("/<code>/withdrawal")
@blp.doc(parameters=[KEY_PARAMETER])
@blp.arguments(WithdrawalSchema)
@blp.response(200, DossierSchema)
def withdraw(args: dict, code: str):
    """The applicant (or a one-stop officer of the agency, at their request): withdraw an
    unfinished dossier; 409 once it has a result or has ended."""
    actor = signed_in_actor()

    def withdraw_now() -> tuple[int, dict]:
        dossier = withdraw_dossier(db.session, actor, code, reason=args["reason"])
        return 200, DossierSchema().dump(dossier)

    return answer_once(withdraw_now)


@blp.post("/<code>/rating")
@blp.doc(parameters=[KEY_PARAMETER])
@blp.arguments(RatingArgsSchema)
@blp.response(201, RatingSchema)
def rate(args: dict, code: str):
    """The applicant: rate a returned dossier once (levels 1–5); 409 before the result is
    returned or when already rated."""
    actor = signed_in_actor()

    def rate_now() -> tuple[int, dict]:
        rating = rate_dossier(db.session, actor, code, args["level"], args["comment"])
        return 201, RatingSchema().dump(rating)

    return answer_once(rate_now)
