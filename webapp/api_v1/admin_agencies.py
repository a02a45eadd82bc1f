"""Administration of agencies: the administrator's subtree, declare, edit, retire and restore a
unit, as on Quản trị › Cơ quan (engine.agencies.administration, audited there)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.agencies.administration import (
    AGENCY_LEVELS,
    administered_agencies_after,
    amend_agency,
    create_agency,
    get_administered_agency,
    restore_agency,
    retire_agency,
)
from engine.db import transaction
from webapp.api_v1.admin_access import admin_blueprint
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.auth import current_actor
from webapp.extensions import db

blp = admin_blueprint(
    "api_v1_admin_agencies",
    "/admin/agencies",
    "Quản trị cơ quan, đơn vị: chỉ các đơn vị trong phạm vi quản trị của người gọi.",
)


class AgencySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String(metadata={"enum": list(AGENCY_LEVELS)})
    parent_id = fields.Integer(allow_none=True)
    admin_unit_code = fields.String(allow_none=True)
    is_active = fields.Boolean()


class AgencyChangeSchema(Schema):
    """The fields of a unit; on PATCH, those given replace the unit's."""

    code = fields.String(validate=validate.Length(max=40))
    name = fields.String(validate=validate.Length(max=255))
    level = fields.String(validate=validate.OneOf(list(AGENCY_LEVELS)))
    parent_id = stored_integer(allow_none=True)
    admin_unit_code = fields.String(validate=validate.Length(max=10))


class NewAgencySchema(AgencyChangeSchema):
    code = fields.String(required=True, validate=validate.Length(max=40))
    name = fields.String(required=True, validate=validate.Length(max=255))
    level = fields.String(required=True, validate=validate.OneOf(list(AGENCY_LEVELS)))
    parent_id = stored_integer(required=True, allow_none=True)
    admin_unit_code = fields.String(load_default="", validate=validate.Length(max=10))


class RetireSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


AgencyPage = page_schema(AgencySchema, "AgencyPage")


@blp.get("/")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AgencyPage)
def list_agencies(args: dict):
    """Administrators: the units of their subtree, retired ones included, by id (parent_id
    rebuilds the tree)."""
    actor = current_actor()
    return keyset_page(
        lambda after, count: administered_agencies_after(db.session, actor, after, count), args
    )


@blp.get("/" + id_segment("agency_id"))
@blp.response(200, AgencySchema)
def show_agency(agency_id: int):
    """Administrators: one unit of their subtree; 404 outside it."""
    return get_administered_agency(db.session, current_actor(), agency_id)


@blp.post("/")
@blp.arguments(NewAgencySchema)
@blp.response(201, AgencySchema)
def add_agency(values: dict):
    """Administrators: declare a unit under one of theirs (a top unit: top administrators)."""
    with transaction(db.session):
        return create_agency(db.session, current_actor(), **values)


@blp.patch("/" + id_segment("agency_id"))
@blp.arguments(AgencyChangeSchema)
@blp.response(200, AgencySchema)
def change_agency(changes: dict, agency_id: int):
    """Administrators: rename, recode or move a unit of their subtree."""
    with transaction(db.session):
        return amend_agency(db.session, current_actor(), agency_id, changes)


@blp.post("/" + id_segment("agency_id") + "/retire")
@blp.arguments(RetireSchema)
@blp.response(200, AgencySchema)
def retire(values: dict, agency_id: int):
    """Administrators: the unit receives no new dossiers; 409 while a sub-unit is active."""
    with transaction(db.session):
        return retire_agency(db.session, current_actor(), agency_id, reason=values["reason"])


@blp.post("/" + id_segment("agency_id") + "/restore")
@blp.response(200, AgencySchema)
def restore(agency_id: int):
    """Administrators: the unit receives dossiers again; 409 while its parent is retired."""
    with transaction(db.session):
        return restore_agency(db.session, current_actor(), agency_id)
