"""Online submission through the API: the portal's submission (form, one file per document
slot or an e-document store entry, receiving unit, postal services) in one request."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.dossiers.online_submission import submit_online_with_uploads
from engine.postal.shipments import PostalChoice
from webapp.api.schemas import DossierSchema
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import stored_integer
from webapp.api_v1.posted import json_or_multipart_body, posted_payload, posted_slot_files
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_submission",
    __name__,
    url_prefix="/dossiers",
    description="Nộp hồ sơ trực tuyến (công dân, tổ chức).",
)


class PostalChoiceSchema(Schema):
    pickup = fields.Boolean(load_default=False, metadata={"description": "Bưu điện đến lấy hồ sơ"})
    delivery = fields.Boolean(load_default=False, metadata={"description": "Trả kết quả tận nhà"})
    address = fields.String(load_default="", validate=validate.Length(max=500))
    phone = fields.String(load_default="", validate=validate.Length(max=20))
    pickup_postage = stored_integer(
        0, load_default=0, metadata={"description": "The quoted postage you accept (đồng)"}
    )
    delivery_postage = stored_integer(0, load_default=0)


class SubmissionSchema(Schema):
    procedure_code = fields.String(required=True, validate=validate.Length(1, 50))
    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": "Tờ khai"})
    agency_id = stored_integer(
        load_default=None, allow_none=True, metadata={"description": "Receiving unit"}
    )
    postal = fields.Nested(PostalChoiceSchema, load_default=None, allow_none=True)
    store_documents = fields.Dict(
        keys=fields.String(),
        values=stored_integer(),
        load_default=dict,
        metadata={"description": "Document code -> id of an entry of your e-document store"},
    )


@blp.post("/")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody=json_or_multipart_body(
        SubmissionSchema, "doc_<document code>: the file of that required document"
    ),
)
@blp.response(201, DossierSchema)
def submit_dossier():
    """Citizen or organisation: submit a dossier online; 201 with the dossier and Location.

    A refused form field or file answers 422 with its error and creates nothing. The postage of
    a postal service chosen must be the one quoted (a 422 tells it)."""
    actor = signed_in_actor()
    submission = posted_payload(SubmissionSchema())
    uploads = posted_slot_files()
    postal = submission["postal"]
    chosen = postal is not None and (postal["pickup"] or postal["delivery"])

    def submit() -> tuple[int, dict]:
        dossier = submit_online_with_uploads(
            db.session,
            actor,
            file_storage(),
            submission["procedure_code"],
            submission["data"],
            uploads=uploads,
            store_choices=submission["store_documents"],
            agency_id=submission["agency_id"],
            postal=PostalChoice(**postal) if chosen else None,
        )
        return 201, DossierSchema().dump(dossier)

    return answer_once(
        submit, location=lambda body: url_for("api_v1_dossiers.show_dossier", code=body["code"])
    )
