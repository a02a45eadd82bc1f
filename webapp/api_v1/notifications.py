"""The applicant's notifications: what the system told her about her dossiers (the portal's
Thông báo list, engine.dossiers.notifications), and marking them read."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.db import transaction
from engine.dossiers.notifications import list_notifications, mark_notifications_read
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint(
    "api_v1_notifications",
    __name__,
    url_prefix="/notifications",
    description="Thông báo gửi người nộp về hồ sơ của mình.",
)


class NotificationSchema(Schema):
    id = fields.Integer()
    dossier_code = fields.String()
    text = fields.String()
    at = fields.AwareDateTime()
    is_read = fields.Boolean()


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer(metadata={"description": "How many of the items are unread"})


class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many were unread until now"})


@blp.get("/")
@blp.response(200, NotificationListSchema)
def notifications():
    """The caller's latest notifications (at most 100), newest first."""
    items = list_notifications(db.session, signed_in_actor())
    return {"items": items, "unread": sum(1 for item in items if not item.is_read)}


@blp.post("/read")
@blp.response(200, MarkedSchema)
def mark_read():
    """Mark every notification read (as the portal's "Đánh dấu đã đọc"); a repeat marks 0."""
    with transaction(db.session):
        marked = mark_notifications_read(db.session, signed_in_actor())
    return {"marked": marked}
