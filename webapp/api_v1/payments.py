"""A dossier's fees: what is due and its state, and starting an online payment at a provider
(the portal's payment page, engine.payments.online). The answer of a start is the provider's
address: a mobile app opens it in a browser or web view, the payer pays there, and the
provider's notification settles the payment as it does for the portal."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from connectors.payment.providers import MODULES, provider_label
from engine.payments.models import STATE_LABELS
from engine.payments.online import StartedPayment, payment_overview, start_online_payment
from webapp.api_v1.idempotency import KEY_PARAMETER, REPLAYED, idempotent_request
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint(
    "api_v1_payments",
    __name__,
    url_prefix="/dossiers",
    description="Phí, lệ phí của hồ sơ và thanh toán trực tuyến.",
)


class FeeLineSchema(Schema):
    name = fields.String()
    amount = fields.Integer(metadata={"description": "đồng"})


class AttemptSchema(Schema):
    reference = fields.String()
    provider = fields.String()
    provider_label = fields.Function(lambda attempt: provider_label(attempt.provider))
    amount = fields.Integer()
    state = fields.String()
    state_label = fields.Function(lambda attempt: STATE_LABELS.get(attempt.state, attempt.state))
    message = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class PaymentDueSchema(Schema):
    amount = fields.Integer(metadata={"description": "Tổng số tiền (đồng)"})
    fee_lines = fields.List(fields.Nested(FeeLineSchema))
    state = fields.String(metadata={"description": "pending, paid, failed, expired, refunded"})
    state_label = fields.Function(lambda payment: STATE_LABELS[payment.state])
    method = fields.String(allow_none=True, metadata={"description": "online or cash"})
    provider = fields.String(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema))


class EReceiptSchema(Schema):
    reference = fields.String(metadata={"description": "Ký hiệu/số: BL-2026/0000001"})
    symbol = fields.String()
    number = fields.String(attribute="printed_number")
    amount = fields.Integer()
    paid_at = fields.AwareDateTime()
    invoice_number = fields.String(allow_none=True)
    lookup_code = fields.String(metadata={"description": "GET /receipts/<lookup_code>"})


class ProviderSchema(Schema):
    name = fields.String()
    label = fields.String()


class PaymentOverviewSchema(Schema):
    code = fields.Function(lambda overview: overview.dossier.code)
    payment = fields.Nested(
        PaymentDueSchema,
        allow_none=True,
        metadata={"description": "None: nothing to pay (or still being prepared)"},
    )
    preparing = fields.Boolean(metadata={"description": "The fees are being prepared: ask again"})
    receipt = fields.Nested(EReceiptSchema, allow_none=True)
    providers = fields.List(fields.Nested(ProviderSchema))


class StartPaymentSchema(Schema):
    provider = fields.String(
        required=True,
        validate=validate.OneOf(tuple(MODULES)),
        metadata={"description": "One of GET …/payment `providers`"},
    )


class StartedPaymentSchema(Schema):
    redirect_url = fields.String(metadata={"description": "Open it to pay at the provider"})
    reference = fields.String(attribute="attempt.order.reference")
    provider = fields.String(attribute="provider.name")
    amount = fields.Integer(attribute="attempt.order.amount")
    expires_at = fields.AwareDateTime(attribute="attempt.order.expires_at")


@blp.get("/<code>/payment")
@blp.response(200, PaymentOverviewSchema)
def payment(code: str):
    """The applicant (or an officer of the agency): the fees due, their state, the attempts, the
    e-receipt once paid, and the providers one may pay with."""
    return payment_overview(db.session, signed_in_actor(), code)


@blp.post("/<code>/payment/attempts")
@blp.doc(parameters=[KEY_PARAMETER])
@blp.arguments(StartPaymentSchema)
@blp.response(201, StartedPaymentSchema)
def start_payment(args: dict, code: str):
    """The applicant: start paying the unpaid fees at a provider; 201 with the provider's
    address to send the payer to. 404 when nothing is due, 409 when paid, 503 when the provider
    does not answer (nothing is due to it: try again or choose another)."""
    name = args["provider"]

    def answer(started: StartedPayment) -> tuple[int, dict]:
        return 201, StartedPaymentSchema().dump(started)

    outcome = start_online_payment(
        db.session,
        signed_in_actor(),
        code,
        name,
        return_url=url_for("callbacks.payment_return", provider=name, _external=True),
        notify_url=url_for("callbacks.payment_notification", provider=name, _external=True),
        client_ip=request.remote_addr or "127.0.0.1",
        idempotent=idempotent_request(),
        answer=answer,
    )
    if isinstance(outcome, StartedPayment):
        return outcome
    headers = {REPLAYED: "true"} if outcome.replayed else {}
    return jsonify(outcome.body), outcome.status, headers
