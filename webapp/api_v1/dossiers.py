"""My dossiers and one dossier, with an ETag: the scope is the portal's (own dossiers) and the
workspace's (the officer's agencies), as engine.dossiers.queries decides it."""

from __future__ import annotations

import hashlib
import json

from flask import Response, request
from flask_smorest import Blueprint

from engine.dossiers.queries import applicant_dossiers_after, get_dossier
from webapp.api.schemas import DossierSchema
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint(
    "api_v1_dossiers",
    __name__,
    url_prefix="/dossiers",
    description="Hồ sơ: của tôi (công dân), hoặc trong phạm vi cơ quan (cán bộ).",
)

DossierPage = page_schema(DossierSchema, "DossierPage")


@blp.get("/")
@blp.arguments(PageArgs, location="query")
@blp.response(200, DossierPage)
def my_dossiers(args: dict):
    """Signed in: the dossiers the caller submitted."""
    actor = signed_in_actor()
    return keyset_page(
        lambda after, count: applicant_dossiers_after(db.session, actor, after, count), args
    )


@blp.get("/<code>")
@blp.response(200, DossierSchema)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")
def show_dossier(code: str):
    """Signed in: the applicant's own dossier, or one in the officer's agencies; 404 otherwise."""
    dossier = get_dossier(db.session, signed_in_actor(), code)
    body = DossierSchema().dump(dossier)
    etag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    return dossier, 200, {"ETag": f'"{etag}"'}
