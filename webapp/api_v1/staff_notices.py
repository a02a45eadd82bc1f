"""The officer's in-app notifications (deadline warnings, extension requests, hand-overs), as
/can-bo/thong-bao lists them (engine.notifications.staff_inbox): the caller's own only."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.db import transaction
from engine.notifications.staff_inbox import (
    count_unread_staff_notices,
    list_staff_notices,
    mark_staff_notices_read,
)
from webapp.api_v1.notifications import MarkedSchema
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint(
    "api_v1_staff_notices",
    __name__,
    url_prefix="/staff-notices",
    description="Thông báo trong ứng dụng của cán bộ.",
)


class StaffNoticeSchema(Schema):
    id = fields.Integer()
    dossier_code = fields.String(allow_none=True)
    text = fields.String()
    at = fields.AwareDateTime()
    is_read = fields.Boolean()


class StaffNoticeListSchema(Schema):
    items = fields.List(fields.Nested(StaffNoticeSchema), metadata={"description": "Newest 100"})
    unread = fields.Integer(metadata={"description": "How many of all are unread"})


@blp.get("/")
@blp.response(200, StaffNoticeListSchema)
def staff_notices():
    """Signed in: the notices addressed to the caller, newest first (none for a client key,
    which is nobody's inbox), and the count of unread ones."""
    actor = signed_in_actor()
    return {
        "items": list_staff_notices(db.session, actor),
        "unread": count_unread_staff_notices(db.session, actor),
    }


@blp.post("/read")
@blp.response(200, MarkedSchema)
def mark_read():
    """Mark every notice of the caller read; answers with how many were unread."""
    with transaction(db.session):
        return {"marked": mark_staff_notices_read(db.session, signed_in_actor())}
