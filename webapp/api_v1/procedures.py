"""The catalogue: procedures a citizen may submit, as the portal's home page lists them."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.procedures.catalogue_search import CatalogueQuery, procedures_after
from engine.procedures.queries import get_procedure
from webapp.api_v1.integers import stored_integer
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.extensions import db

blp = Blueprint(
    "api_v1_procedures",
    __name__,
    url_prefix="/procedures",
    description="Danh mục thủ tục hành chính (public).",
)


class ProcedureSchema(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    level = fields.String()
    online_service_level = fields.String()
    deadline_working_days = fields.Integer()
    agency_name = fields.Function(lambda p: p.agency.name if p.agency else None, allow_none=True)


class ProcedureDetailSchema(ProcedureSchema):
    record = fields.Dict()


class CatalogueArgs(PageArgs):
    q = fields.String(load_default="")
    agency_id = stored_integer(strict=False, load_default=None)
    field = fields.String(load_default="")
    level = fields.String(load_default="")


ProcedurePage = page_schema(ProcedureSchema, "ProcedurePage")


@blp.get("/")
@blp.arguments(CatalogueArgs, location="query")
@blp.response(200, ProcedurePage)
def list_procedures(args: dict):
    """Public: the active procedures, filtered as on the portal's home page."""
    query = CatalogueQuery(
        keyword=args["q"].strip()[:200],
        agency_id=args["agency_id"],
        field=args["field"].strip(),
        level=args["level"].strip(),
    )
    return keyset_page(lambda after, count: procedures_after(db.session, query, after, count), args)


@blp.get("/<code>")
@blp.response(200, ProcedureDetailSchema)
def show_procedure(code: str):
    """Public: one procedure's published record."""
    return get_procedure(db.session, code)
