"""Administration of officers: list, create, edit, roles per agency, deactivate and reactivate, as
on Quản trị › Cán bộ (engine.users.officers and administration, audited there).

An administrator sees the officers holding a role in their subtree; changing the person needs
every agency where the officer holds a role; a role is granted or removed by the administrator
of its agency.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.db import transaction
from engine.users.administration import deactivate_user
from engine.users.officers import (
    OfficerDetails,
    OfficerFilter,
    amend_officer,
    create_officer,
    get_officer,
    grant_role,
    officers_after,
    reactivate_user,
    revoke_role,
)
from engine.users.roles import ROLES
from webapp.api_v1.admin_access import admin_blueprint
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.auth import current_actor
from webapp.extensions import db

blp = admin_blueprint(
    "api_v1_admin_officers",
    "/admin/officers",
    "Quản trị cán bộ: cán bộ có vai trò trong các đơn vị thuộc phạm vi quản trị của người gọi.",
)

ROLE_CODES = validate.OneOf(list(ROLES))


class RoleSchema(Schema):
    id = fields.Integer()
    role = fields.String(metadata={"enum": list(ROLES)})
    role_label = fields.Function(lambda assignment: ROLES.get(assignment.role, assignment.role))
    agency_id = fields.Integer(allow_none=True)
    agency_name = fields.Function(
        lambda assignment: assignment.agency.name if assignment.agency else None, allow_none=True
    )


class OfficerSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_active = fields.Boolean()
    roles = fields.Nested(RoleSchema, many=True)


class OfficerListArgs(PageArgs):
    agency_id = stored_integer(strict=False, load_default=None)
    role = fields.String(load_default=None, validate=ROLE_CODES)
    active = fields.Boolean(load_default=None)


class OfficerChangeSchema(Schema):
    """The person's details; on PATCH, those given replace theirs (a password: the old one
    stops working and their sessions end)."""

    full_name = fields.String(validate=validate.Length(max=255))
    email = fields.String(validate=validate.Length(max=255))
    phone = fields.String(validate=validate.Length(max=30))
    password = fields.String(validate=validate.Length(max=200), load_only=True)


class NewOfficerSchema(OfficerChangeSchema):
    username = fields.String(required=True, validate=validate.Length(max=120))
    full_name = fields.String(required=True, validate=validate.Length(max=255))
    password = fields.String(required=True, validate=validate.Length(max=200), load_only=True)
    email = fields.String(load_default="", validate=validate.Length(max=255))
    phone = fields.String(load_default="", validate=validate.Length(max=30))
    role = fields.String(required=True, validate=ROLE_CODES)
    agency_id = stored_integer(required=True)


class GrantSchema(Schema):
    role = fields.String(required=True, validate=ROLE_CODES)
    agency_id = stored_integer(required=True)


class DeactivateSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class DeactivatedSchema(Schema):
    id = fields.Integer()
    is_active = fields.Boolean()
    tasks_handed_back = fields.Integer(
        metadata={"description": "open tasks returned to their unit's queue"}
    )


OfficerPage = page_schema(OfficerSchema, "OfficerPage")


@blp.get("/")
@blp.arguments(OfficerListArgs, location="query")
@blp.response(200, OfficerPage)
def list_officers(args: dict):
    """Administrators: officers with a role in their subtree, filtered, by id."""
    actor = current_actor()
    filters = OfficerFilter(agency_id=args["agency_id"], role=args["role"], active=args["active"])
    return keyset_page(
        lambda after, count: officers_after(db.session, actor, filters, after, count), args
    )


@blp.get("/" + id_segment("user_id"))
@blp.response(200, OfficerSchema)
def show_officer(user_id: int):
    """Administrators: an officer with a role in their subtree; 404 otherwise."""
    return get_officer(db.session, current_actor(), user_id)


@blp.post("/")
@blp.arguments(NewOfficerSchema)
@blp.response(201, OfficerSchema)
def add_officer(values: dict):
    """Administrators: a new officer account with a first role in one of their units."""
    details = OfficerDetails(
        full_name=values["full_name"],
        email=values["email"],
        phone=values["phone"],
        password=values["password"],
    )
    with transaction(db.session):
        return create_officer(
            db.session,
            current_actor(),
            values["username"],
            details,
            role=values["role"],
            agency_id=values["agency_id"],
        )


@blp.patch("/" + id_segment("user_id"))
@blp.arguments(OfficerChangeSchema)
@blp.response(200, OfficerSchema)
def change_officer(changes: dict, user_id: int):
    """Administrators of every unit where the officer holds a role: name, contacts, password."""
    with transaction(db.session):
        return amend_officer(db.session, current_actor(), user_id, changes)


@blp.post("/" + id_segment("user_id") + "/roles")
@blp.arguments(GrantSchema)
@blp.response(201, RoleSchema)
def add_role(values: dict, user_id: int):
    """The administrator of the role's unit: grant the role there; 409 if already held."""
    with transaction(db.session):
        return grant_role(db.session, current_actor(), user_id, values["role"], values["agency_id"])


@blp.delete("/" + id_segment("user_id") + "/roles/" + id_segment("assignment_id"))
@blp.response(204)
def remove_role(user_id: int, assignment_id: int):
    """The administrator of the role's unit: remove it; 409 for an officer's last role."""
    with transaction(db.session):
        revoke_role(db.session, current_actor(), user_id, assignment_id)


@blp.post("/" + id_segment("user_id") + "/deactivate")
@blp.arguments(DeactivateSchema)
@blp.response(200, DeactivatedSchema)
def deactivate(values: dict, user_id: int):
    """Administrators of every unit where the officer holds a role: the account is locked and
    its open tasks go back to the unit's queue."""
    with transaction(db.session):
        handed_back = deactivate_user(db.session, current_actor(), user_id, reason=values["reason"])
    return {"id": user_id, "is_active": False, "tasks_handed_back": handed_back}


@blp.post("/" + id_segment("user_id") + "/reactivate")
@blp.response(200, OfficerSchema)
def reactivate(user_id: int):
    """Administrators of every unit where the officer holds a role: the account works again."""
    with transaction(db.session):
        return reactivate_user(db.session, current_actor(), user_id)
