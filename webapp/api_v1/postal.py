"""What a client needs around the submission's postal services and the fees' e-receipts: the
postage the post office quotes now (to fill `postal.pickup_postage` / `delivery_postage` of
POST /dossiers/, as the portal's confirmation shows it), and the public check of an e-receipt
by the code printed under its QR code (the portal's /bien-lai/<code>)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from connectors.payment.providers import provider_label
from engine.postal.models import DELIVERY, PICKUP
from engine.postal.quotes import quote_postage
from engine.postal.shipments import PostalChoice
from engine.receipts.queries import get_receipt_by_lookup_code
from forms.documents.amount_words import amount_in_words
from forms.documents.receipt import METHOD_LABELS
from webapp.api_v1.integers import stored_integer
from webapp.api_v1.posted import PLAIN_TEXT
from webapp.auth import signed_in_actor
from webapp.extensions import db

postage_blp = Blueprint(
    "api_v1_postage",
    __name__,
    url_prefix="/postage",
    description="Cước bưu chính cho dịch vụ thu gom hồ sơ và trả kết quả tận nhà.",
)
receipt_blp = Blueprint(
    "api_v1_receipts",
    __name__,
    url_prefix="/receipts",
    description="Kiểm tra biên lai điện tử theo mã in dưới mã QR (công khai).",
)


class PostageArgsSchema(Schema):
    procedure_code = fields.String(required=True, validate=[validate.Length(1, 50), PLAIN_TEXT])
    pickup = fields.Boolean(load_default=False, metadata={"description": "Bưu điện đến lấy hồ sơ"})
    delivery = fields.Boolean(load_default=False, metadata={"description": "Trả kết quả tận nhà"})
    address = fields.String(required=True, validate=[validate.Length(1, 500), PLAIN_TEXT])
    phone = fields.String(required=True, validate=[validate.Length(1, 20), PLAIN_TEXT])
    agency_id = stored_integer(
        strict=False, load_default=None, metadata={"description": "Receiving unit"}
    )


class PostageSchema(Schema):
    pickup_postage = fields.Integer(allow_none=True, metadata={"description": "đồng"})
    delivery_postage = fields.Integer(allow_none=True, metadata={"description": "đồng"})


class ReceiptLineSchema(Schema):
    name = fields.String()
    amount = fields.Integer()


class ReceiptCheckSchema(Schema):
    valid = fields.Constant(True)
    reference = fields.String(metadata={"description": "Ký hiệu/số: BL-2026/0000001"})
    symbol = fields.String()
    number = fields.String(attribute="printed_number")
    agency = fields.String(attribute="agency.name")
    payer_name = fields.String()
    dossier_code = fields.String(attribute="dossier.code")
    procedure_name = fields.String()
    amount = fields.Integer()
    amount_in_words = fields.Function(lambda receipt: amount_in_words(receipt.amount))
    method = fields.Function(lambda receipt: METHOD_LABELS.get(receipt.method, receipt.method))
    provider = fields.Function(
        lambda receipt: provider_label(receipt.provider) if receipt.provider else None,
        allow_none=True,
    )
    paid_at = fields.AwareDateTime()
    invoice_number = fields.String(allow_none=True)
    invoice_lookup_code = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(ReceiptLineSchema))


@postage_blp.get("/")
@postage_blp.arguments(PostageArgsSchema, location="query")
@postage_blp.response(200, PostageSchema)
def postage(args: dict):
    """Signed in: the postage of each direction chosen, asked of the post office now; an
    incomplete address or phone, or a post office that does not answer, is a 422."""
    signed_in_actor()
    choice = PostalChoice(
        pickup=args["pickup"],
        delivery=args["delivery"],
        address=args["address"],
        phone=args["phone"],
    )
    quotes = quote_postage(db.session, args["procedure_code"], choice, args["agency_id"])
    return {"pickup_postage": quotes.get(PICKUP), "delivery_postage": quotes.get(DELIVERY)}


@receipt_blp.get("/<lookup_code>")
@receipt_blp.response(200, ReceiptCheckSchema)
def check_receipt(lookup_code: str):
    """Anyone holding the paper: what the e-receipt says, to show it is genuine; 404 when no
    receipt has this code."""
    return get_receipt_by_lookup_code(db.session, lookup_code)
