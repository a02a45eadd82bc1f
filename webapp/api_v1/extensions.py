"""Deadline extensions (đề nghị gia hạn) through the API: the processing officer asks on a
dossier, a leader of its agency approves (the due time moves, the Mẫu 04 apology goes to the
applicant) or refuses with a reason; engine.deadlines.extension_requests, as /can-bo/gia-han."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.db import transaction
from engine.deadlines.extension_requests import (
    approve_request,
    extension_requests_of,
    refuse_request,
    request_extension,
    requests_to_decide,
)
from engine.deadlines.models import PENDING, STATE_LABELS
from engine.dossiers.models import Dossier
from webapp.api_v1.errors import ApiErrorSchema
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.posted import PLAIN_TEXT
from webapp.auth import signed_in_actor
from webapp.extensions import db

dossier_blp = Blueprint(
    "api_v1_dossier_extensions",
    __name__,
    url_prefix="/dossiers",
    description="Đề nghị gia hạn giải quyết hồ sơ (cán bộ thụ lý).",
)
leader_blp = Blueprint(
    "api_v1_extension_requests",
    __name__,
    url_prefix="/extension-requests",
    description="Lãnh đạo đơn vị xem xét đề nghị gia hạn: đồng ý hoặc không đồng ý.",
)

REQUEST = "/" + id_segment("request_id")
DECIDED = "Someone decided the request first (it is no longer pending)."


class ExtensionRequestSchema(Schema):
    id = fields.Integer()
    # the dossier was loaded with the request: the session's identity map answers
    dossier_code = fields.Function(lambda request: db.session.get(Dossier, request.dossier_id).code)
    state = fields.String(metadata={"description": "pending, approved or refused"})
    state_label = fields.Function(lambda request: STATE_LABELS.get(request.state, request.state))
    reason = fields.String()
    working_days = fields.Integer(allow_none=True)
    new_due_at = fields.AwareDateTime(allow_none=True)
    due_at_when_requested = fields.AwareDateTime()
    requested_by_name = fields.String()
    requested_at = fields.AwareDateTime()
    decided_by_name = fields.String()
    decided_at = fields.AwareDateTime(allow_none=True)
    refusal_reason = fields.String(allow_none=True)


class ExtensionRequestListSchema(Schema):
    items = fields.List(fields.Nested(ExtensionRequestSchema))


class NewExtensionRequestSchema(Schema):
    reason = fields.String(
        required=True, validate=PLAIN_TEXT, metadata={"description": "Lý do chậm trễ (Mẫu 04)"}
    )
    working_days = stored_integer(
        0,
        load_default=None,
        allow_none=True,
        metadata={"description": "Working days after the current due time; or new_due_date"},
    )
    new_due_date = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "A working day after the due time; or working_days"},
    )


class RefusalSchema(Schema):
    refusal_reason = fields.String(required=True, validate=PLAIN_TEXT)


class DecisionListArgs(Schema):
    state = fields.String(load_default=PENDING, validate=validate.OneOf(list(STATE_LABELS)))


@dossier_blp.get("/<code>/extension-requests")
@dossier_blp.response(200, ExtensionRequestListSchema)
def dossier_extension_requests(code: str):
    """The dossier's officers: every extension request on it, oldest first; 404 otherwise."""
    return {"items": extension_requests_of(db.session, signed_in_actor(), code)}


@dossier_blp.post("/<code>/extension-requests")
@dossier_blp.doc(parameters=[KEY_PARAMETER])
@dossier_blp.arguments(NewExtensionRequestSchema)
@dossier_blp.response(201, ExtensionRequestSchema)
@dossier_blp.alt_response(
    409, schema=ApiErrorSchema, description="The clock does not run, or a request is pending."
)
def ask_extension(args: dict, code: str):
    """A processing officer of the handling agency: ask for an extension, by working days or
    a new due day, with the reason; 201 with the pending request (the leaders are told)."""
    actor = signed_in_actor()

    def ask() -> tuple[int, dict]:
        request = request_extension(db.session, actor, code, **args)
        return 201, ExtensionRequestSchema().dump(request)

    return answer_once(ask)


@leader_blp.get("/")
@leader_blp.arguments(DecisionListArgs, location="query")
@leader_blp.response(200, ExtensionRequestListSchema)
def requests_for_decision(args: dict):
    """A unit's leader: the requests of the agencies they decide for, pending ones oldest
    first, decided ones newest first (100 at most); 403 for anyone who decides nowhere."""
    rows = requests_to_decide(db.session, signed_in_actor(), state=args["state"])
    return {"items": [request for request, _dossier in rows]}


@leader_blp.post(REQUEST + "/approve")
@leader_blp.response(200, ExtensionRequestSchema)
@leader_blp.alt_response(409, schema=ApiErrorSchema, description=DECIDED)
def approve(request_id: int):
    """The leader agrees: the due time moves as asked and the applicant gets the Mẫu 04
    apology; answers with the request. Another unit's request is 404."""
    with transaction(db.session):
        return approve_request(db.session, signed_in_actor(), request_id)


@leader_blp.post(REQUEST + "/refuse")
@leader_blp.arguments(RefusalSchema)
@leader_blp.response(200, ExtensionRequestSchema)
@leader_blp.alt_response(409, schema=ApiErrorSchema, description=DECIDED)
def refuse(args: dict, request_id: int):
    """The leader refuses, with a reason; the due time stays. Answers with the request."""
    with transaction(db.session):
        return refuse_request(
            db.session, signed_in_actor(), request_id, reason=args["refusal_reason"]
        )
