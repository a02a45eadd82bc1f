"""The applicant's e-document store (kho giấy tờ điện tử): her own documents and the results
returned to her, to reuse in a submission (`store_documents`). The portal's operations
(engine.documents_store.store): each caller sees only her own entries, 404 for another's."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.db import transaction
from engine.documents_store.store import (
    add_personal_document,
    delete_personal_document,
    get_personal_document,
    list_personal_documents,
)
from webapp.api_v1.downloads import download_doc, stored_file_download
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import id_segment
from webapp.api_v1.posted import PLAIN_TEXT, multipart_body, posted_attachment, posted_payload
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_documents",
    __name__,
    url_prefix="/documents",
    description="Kho giấy tờ điện tử của người nộp.",
)

FILE_PART = "file"
DOCUMENT = "/" + id_segment("document_id")


class PersonalDocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "What `store_documents` names"})
    title = fields.String()
    source = fields.String(metadata={"description": "upload (yours) or result (returned to you)"})
    dossier_code = fields.Function(
        lambda document: document.dossier.code if document.dossier else None, allow_none=True
    )
    name = fields.String(attribute="stored_file.original_name")
    content_type = fields.String(attribute="stored_file.content_type")
    size = fields.Integer(attribute="stored_file.size")
    created_at = fields.AwareDateTime()


class PersonalDocumentListSchema(Schema):
    items = fields.List(fields.Nested(PersonalDocumentSchema))


class NewDocumentSchema(Schema):
    title = fields.String(
        load_default="",
        validate=[
            validate.Length(max=255),
            PLAIN_TEXT,
        ],
        metadata={"description": "Tên giấy tờ (the file's name when left empty)"},
    )


@blp.get("/")
@blp.response(200, PersonalDocumentListSchema)
def documents():
    """The caller's store, newest first."""
    return {"items": list_personal_documents(db.session, signed_in_actor())}


@blp.post("/")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": multipart_body("NewDocumentSchema as JSON", "file: the document")
            }
        },
    },
)
@blp.response(201, PersonalDocumentSchema)
def add_document():
    """Citizen or organisation: add a document (multipart: `payload` {title}, `file`); the file
    is checked as every upload (size, type by content, hostile content)."""
    actor = signed_in_actor()
    title = posted_payload(NewDocumentSchema())["title"]
    filename, content = posted_attachment(FILE_PART) or ("", b"")

    def add() -> tuple[int, dict]:
        document = add_personal_document(
            db.session, actor, file_storage(), title=title, filename=filename, content=content
        )
        return 201, PersonalDocumentSchema().dump(document)

    return answer_once(add)


@blp.get(DOCUMENT)
@blp.response(200, PersonalDocumentSchema)
def show_document(document_id: int):
    return get_personal_document(db.session, signed_in_actor(), document_id)


@blp.get(DOCUMENT + "/file")
@blp.doc(**download_doc("The document's file, as an attachment"))
def document_file(document_id: int):
    """Download the document's file."""
    document = get_personal_document(db.session, signed_in_actor(), document_id)
    return stored_file_download(document.stored_file)


@blp.delete(DOCUMENT)
@blp.response(204)
def delete_document(document_id: int):
    """Remove it from the store; a dossier that used it keeps its own copy."""
    with transaction(db.session):
        delete_personal_document(db.session, signed_in_actor(), document_id)
