"""Administration of procedures: the catalogue with its versions, package upload as a draft
(validated as on Quản trị › Thủ tục: engine.procedures.drafts), and publishing a draft.

Every administrator reads the whole catalogue, as the admin pages show it; drafts belong to the
agency that will receive the dossiers and are seen, published or discarded only within that
agency's administrators' subtree (404 elsewhere).
"""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from engine.db import transaction
from engine.errors import InvalidInput
from engine.procedures.catalogue import catalogue_after
from engine.procedures.drafts import (
    discard_draft,
    get_draft,
    list_drafts,
    publish_draft,
    upload_draft,
)
from engine.procedures.versions import procedure_versions
from webapp.api_v1.admin_access import admin_blueprint
from webapp.api_v1.errors import error_response
from webapp.api_v1.integers import id_segment, stored_integer
from webapp.api_v1.pagination import PageArgs, keyset_page, page_schema
from webapp.auth import current_actor
from webapp.extensions import db


class MultipartParser(FlaskParser):
    """A multipart body is one OpenAPI request body: its files and its form fields together."""

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


blp = admin_blueprint(
    "api_v1_admin_procedures",
    "/admin/procedures",
    "Quản trị thủ tục: danh mục, phiên bản, tải lên gói thủ tục (bản nháp) và xuất bản.",
)
blp.ARGUMENTS_PARSER = MultipartParser()


class VersionSchema(Schema):
    number = fields.Integer()
    content_hash = fields.String()
    published_at = fields.DateTime()


class PublishedVersionSchema(VersionSchema):
    procedure_code = fields.Function(lambda version: version.procedure.code)
    process_id = fields.String()


class VersionUseSchema(Schema):
    number = fields.Integer(attribute="version.number")
    content_hash = fields.String(attribute="version.content_hash")
    published_at = fields.DateTime(attribute="version.published_at")
    dossiers = fields.Integer()
    open_dossiers = fields.Integer()


class AdminProcedureSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    field = fields.String()
    level = fields.String()
    agency_id = fields.Integer(allow_none=True)
    is_active = fields.Boolean()
    deadline_working_days = fields.Integer()
    versions = fields.Nested(VersionSchema, many=True)


class ProcedureRecordSchema(AdminProcedureSchema):
    class Meta:
        exclude = ("versions",)

    record = fields.Dict()


class ProcedureVersionsSchema(Schema):
    procedure = fields.Nested(ProcedureRecordSchema)
    versions = fields.Nested(VersionUseSchema, many=True)


class DraftSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    content_hash = fields.String()
    agency_id = fields.Integer(allow_none=True)
    uploaded_at = fields.DateTime()


class DraftList(Schema):
    items = fields.Nested(DraftSchema, many=True)


class PackageUploadSchema(Schema):
    package = Upload(required=True, metadata={"description": "gói thủ tục .zip, hoặc tệp .bpmn"})
    agency_id = stored_integer(
        strict=False,
        load_default=None,
        metadata={"description": "đơn vị tiếp nhận hồ sơ, khi thủ tục mới"},
    )
    procedure_code = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "với tệp .bpmn: thủ tục được thay quy trình"},
    )


ProcedurePage = page_schema(AdminProcedureSchema, "AdminProcedurePage")


@blp.get("/")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ProcedurePage)
def list_procedures(args: dict):
    """Administrators: every procedure of the catalogue, retired ones too, with its versions."""
    return keyset_page(lambda after, count: catalogue_after(db.session, after, count), args)


@blp.get("/<code>")
@blp.response(200, ProcedureVersionsSchema)
def show_procedure(code: str):
    """Administrators: one procedure, its record and its versions with the dossiers each
    carries (open ones apart)."""
    return procedure_versions(db.session, code)


@blp.get("/drafts/")
@blp.response(200, DraftList)
def drafts():
    """Administrators: the drafts of the agencies of their subtree, newest first."""
    return {"items": list_drafts(db.session, current_actor())}


@blp.get("/drafts/" + id_segment("draft_id"))
@blp.response(200, DraftSchema)
def show_draft(draft_id: int):
    """Administrators: a draft of their subtree; 404 otherwise."""
    return get_draft(db.session, current_actor(), draft_id)


@blp.post("/drafts/")
@blp.arguments(PackageUploadSchema, location="files")
@blp.response(201, DraftSchema)
def upload_package(values: dict):
    """Administrators: upload a package; valid, it is kept as a draft to publish. Invalid, 422
    with every problem under `fields.package` (element, file, line, rule, vi, en)."""
    upload = values["package"]
    try:
        with transaction(db.session):
            return upload_draft(
                db.session,
                current_actor(),
                upload.filename or "",
                upload.read(),
                agency_id=values["agency_id"],
                procedure_code=values["procedure_code"].strip(),
            )
    except InvalidInput as refused:
        return package_refusal(refused)


@blp.post("/drafts/" + id_segment("draft_id") + "/publish")
@blp.response(201, PublishedVersionSchema)
def publish(draft_id: int):
    """Administrators of the draft's agency: publish it as the procedure's next version
    (validated again); new dossiers take it, running ones stay on theirs."""
    try:
        with transaction(db.session):
            return publish_draft(db.session, current_actor(), draft_id)
    except InvalidInput as refused:
        return package_refusal(refused)


@blp.delete("/drafts/" + id_segment("draft_id"))
@blp.response(204)
def discard(draft_id: int):
    """Administrators of the draft's agency: discard it; nothing else changes."""
    with transaction(db.session):
        discard_draft(db.session, current_actor(), draft_id)


def package_refusal(refused: InvalidInput):
    """422 naming every problem of the package (or the one reason it could not be read)."""
    problems = getattr(refused, "problems", None)
    if problems:
        listed = [
            {
                "rule": problem.rule,
                "element_id": problem.element_id,
                "file": problem.file,
                "line": problem.line,
                "vi": problem.message,
                "en": problem.message_en,
            }
            for problem in problems
        ]
        fields_refused = {"package": listed}
        english = f"The package has {len(problems)} problems; nothing was stored."
    else:
        fields_refused = refused.field_errors or {"package": [refused.message]}
        english = "The package could not be read or stored."
    response, status = error_response(
        422, "invalid_input", refused.message, english, fields_refused
    )
    response.status_code = status
    return response
