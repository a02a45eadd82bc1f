"""A dossier's history and its documents to download: the receipt (Mẫu 01) and the e-receipt
of its fees (result files: webapp/api_v1/results.py). The applicant sees her own dossier as the
portal shows it, the officers of an agency handling it as the workspace does; anyone else 404."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.dossiers.documents import receipt_data
from engine.dossiers.history import dossier_history
from engine.dossiers.statuses import status_label
from engine.receipts.queries import get_dossier_receipt
from engine.signing.applicant_form import request_form_signature
from forms.documents.receipt import receipt_pdf
from forms.documents.render import render_pdf
from webapp.api_v1.downloads import download_doc, pdf_download
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_dossier_files",
    __name__,
    url_prefix="/dossiers",
    description="Quá trình xử lý, tệp kết quả, phiếu biên nhận và biên lai điện tử của hồ sơ.",
)


def _label(status: str | None) -> str | None:
    return status_label(status) if status else None


class HistoryEntrySchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    action = fields.String(metadata={"description": "submitted, task_completed, timer_fired…"})
    actor_name = fields.String(allow_none=True)
    task_title = fields.String(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    to_status_label = fields.Function(lambda entry: _label(entry.to_status), allow_none=True)
    note = fields.String(allow_none=True)


class HistorySchema(Schema):
    items = fields.List(fields.Nested(HistoryEntrySchema))


class FormSignatureSchema(Schema):
    state = fields.String(metadata={"description": "pending until approved on the phone"})
    document_id = fields.Integer(metadata={"description": "The printed form among the files"})
    requested_at = fields.AwareDateTime()


@blp.get("/<code>/history")
@blp.response(200, HistorySchema)
def history(code: str):
    """The dossier's events, oldest first: whole for the agency's officers; for the applicant
    what the portal's page tells (no officer's notes)."""
    return {"items": dossier_history(db.session, signed_in_actor(), code)}


@blp.get("/<code>/receipt.pdf")
@blp.doc(**download_doc("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)", ("application/pdf",)))
def receipt(code: str):
    """The printed receipt (Mẫu 01) with the dossier code, the appointment and its QR code."""
    values = receipt_data(
        db.session,
        signed_in_actor(),
        code,
        lookup_base_url=current_app.config["PUBLIC_BASE_URL"],
    )
    return pdf_download(render_pdf("mau_01", values), f"{code}-bien-nhan.pdf")


@blp.get("/<code>/e-receipt.pdf")
@blp.doc(**download_doc("Biên lai điện tử of the fees paid", ("application/pdf",)))
def e_receipt(code: str):
    """The e-receipt of the dossier's paid fees; 404 before they are paid."""
    receipt = get_dossier_receipt(db.session, signed_in_actor(), code)
    return pdf_download(receipt_pdf(receipt), f"bien-lai-{code}.pdf")


@blp.post("/<code>/form-signature")
@blp.doc(parameters=[KEY_PARAMETER])
@blp.response(201, FormSignatureSchema)
def sign_form(code: str):
    """The applicant, where the procedure asks: print the form with her answers and ask her to
    sign it remotely (she approves in her signing app); 422 when the procedure does not ask or
    the form is already sent or signed."""
    actor = signed_in_actor()

    def ask() -> tuple[int, dict]:
        signature = request_form_signature(db.session, actor, file_storage(), code)
        return 201, FormSignatureSchema().dump(signature)

    return answer_once(ask)
