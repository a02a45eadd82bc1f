"""A dossier's result files through the API: the officers attach them (the signed decision,
the certificate) before the one-stop returns the result, and download them; the applicant
lists and downloads them once returned, as their dossier page shows them
(engine.dossiers.results decides both)."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.dossiers.models import Dossier
from engine.dossiers.results import attach_result_file, get_result_file, visible_result_files
from webapp.api_v1.downloads import download_doc, stored_file_download
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import id_segment
from webapp.api_v1.posted import MULTIPART, posted_attachment, posted_payload
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_results",
    __name__,
    url_prefix="/dossiers",
    description="Tệp kết quả giải quyết của hồ sơ: cán bộ đính kèm; người nộp tải về khi đã trả.",
)

#: a result file's id the database can hold; a larger one is no route (404)
RESULT = "/<code>/results/" + id_segment("document_id")
#: the multipart part holding the file
FILE_PART = "file"


class ResultFileSchema(Schema):
    id = fields.Integer()
    title = fields.String(attribute="document_name")
    name = fields.String(attribute="stored_file.original_name")
    content_type = fields.String(attribute="stored_file.content_type")
    size = fields.Integer(attribute="stored_file.size")
    added_at = fields.AwareDateTime()
    download_url = fields.Function(
        lambda document: url_for(
            "api_v1_results.download_result",
            code=db.session.get(Dossier, document.dossier_id).code,
            document_id=document.id,
        ),
        metadata={"description": "GET it for the file's bytes"},
    )


class ResultFileListSchema(Schema):
    items = fields.List(fields.Nested(ResultFileSchema))


class NewResultSchema(Schema):
    title = fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "What the file is; «Kết quả giải quyết» when empty"},
    )


@blp.get("/<code>/results")
@blp.response(200, ResultFileListSchema)
def results(code: str):
    """The dossier's officers: its result files, oldest first; its applicant: the same once the
    result is returned (empty before); 404 for anyone else."""
    return {"items": visible_result_files(db.session, signed_in_actor(), code)}


@blp.post("/<code>/results")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody={
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": [FILE_PART],
                    "properties": {
                        "payload": {"type": "string", "description": "NewResultSchema as JSON"},
                        FILE_PART: {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    },
)
@blp.response(201, ResultFileSchema)
def attach_result(code: str):
    """An officer of the dossier's agencies: attach a result file (multipart: `file`, and an
    optional `payload` {"title"}) before the result is returned; 201 with it. A missing or
    refused file (size, type, hostile content), or a dossier already ended, is 422 and keeps
    nothing; 404 for the applicant and anyone outside the agencies."""
    actor = signed_in_actor()
    title = posted_payload(NewResultSchema())["title"]
    upload = posted_attachment(FILE_PART)

    def attach() -> tuple[int, dict]:
        document = attach_result_file(
            db.session, actor, file_storage(), code, title=title, upload=upload
        )
        return 201, ResultFileSchema().dump(document)

    return answer_once(attach, location=lambda body: body["download_url"])


@blp.get(RESULT)
@blp.doc(**download_doc("The file, as an attachment (nosniff, sandbox CSP, no-store)"))
def download_result(code: str, document_id: int):
    """One of the result files listed by GET …/results, for whoever may list it; 404 else."""
    document = get_result_file(db.session, signed_in_actor(), code, document_id)
    return stored_file_download(document.stored_file)
