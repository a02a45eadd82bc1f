"""Counter reception (channel 1) through the API: a one-stop officer registers a dossier handed
in on paper, with the components received and their scans, exactly as /can-bo/tiep-nhan does
(engine.dossiers.counter: the same checks, the same receipt and due time)."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.dossiers.counter import (
    MAX_COPIES,
    ReceivedComponent,
    Scan,
    component_field,
    list_counter_procedures,
    procedure_documents,
    receive_at_counter,
)
from engine.errors import InvalidInput
from engine.payments.collection import record_cash_payment
from engine.payments.models import STATE_LABELS as PAYMENT_STATE_LABELS
from engine.procedures.queries import latest_version
from webapp.api.schemas import DossierSchema
from webapp.api_v1.errors import ApiErrorSchema
from webapp.api_v1.idempotency import KEY_PARAMETER, answer_once
from webapp.api_v1.integers import stored_integer
from webapp.api_v1.payments import FeeLineSchema
from webapp.api_v1.posted import json_or_multipart_body, posted_payload, posted_slot_file_lists
from webapp.api_v1.procedures import ProcedureSchema
from webapp.auth import signed_in_actor
from webapp.extensions import db
from webapp.file_storage import file_storage

blp = Blueprint(
    "api_v1_counter",
    __name__,
    url_prefix="/counter",
    description="Tiếp nhận hồ sơ trực tiếp tại Bộ phận Một cửa (cán bộ một cửa).",
)


class ProcedureDocumentSchema(Schema):
    code = fields.String()
    name = fields.String()
    required = fields.Boolean()
    original = fields.Boolean(metadata={"description": "Bản chính (true) hay bản sao"})
    copies = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class CounterProcedureSchema(ProcedureSchema):
    documents = fields.Method(
        "_documents",
        metadata={"description": "The components (thành phần hồ sơ) the counter ticks"},
    )

    def _documents(self, procedure) -> list[dict]:
        documents = procedure_documents(latest_version(db.session, procedure))
        return ProcedureDocumentSchema(many=True).dump(documents)


class CounterProcedureListSchema(Schema):
    items = fields.List(fields.Nested(CounterProcedureSchema))


class ComponentSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 80))
    original = fields.Boolean(load_default=True, metadata={"description": "false: a copy"})
    count = stored_integer(
        0, load_default=1, metadata={"description": f"How many sheets, 1 to {MAX_COPIES}"}
    )


class CounterReceptionSchema(Schema):
    procedure_code = fields.String(required=True, validate=validate.Length(1, 50))
    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": "Tờ khai"})
    agency_id = stored_integer(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "One of the officer's counters; by default the first that "
            "receives the procedure"
        },
    )
    accept = fields.Boolean(
        load_default=True,
        metadata={
            "description": "true: received (papers checked, the clock starts, Mẫu 01 "
            "printable); false: only registered, the reception task stays in the inbox"
        },
    )
    components = fields.List(
        fields.Nested(ComponentSchema),
        load_default=list,
        metadata={"description": "The components received; with accept, every required one"},
    )

    @validates_schema
    def _each_component_once(self, data: dict, **kwargs) -> None:
        codes = [component["code"] for component in data.get("components", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Mỗi thành phần hồ sơ chỉ ghi một lần.", "components")


class PaymentSchema(Schema):
    id = fields.Integer()
    amount = fields.Integer(metadata={"description": "đồng"})
    fee_lines = fields.List(fields.Nested(FeeLineSchema))
    state = fields.String(metadata={"description": "pending, paid, failed, expired, refunded"})
    state_label = fields.Function(lambda payment: PAYMENT_STATE_LABELS.get(payment.state, ""))
    method = fields.String(allow_none=True, metadata={"description": "cash or online"})
    paid_at = fields.AwareDateTime(allow_none=True)


@blp.get("/procedures")
@blp.response(200, CounterProcedureListSchema)
def procedures():
    """One-stop officer: the procedures the caller's counters receive, with their components;
    403 for anyone without a counter."""
    return {"items": list_counter_procedures(db.session, signed_in_actor())}


@blp.post("/dossiers")
@blp.doc(
    parameters=[KEY_PARAMETER],
    requestBody=json_or_multipart_body(
        CounterReceptionSchema,
        "doc_<document code>: a scan of that received component (repeatable)",
    ),
)
@blp.response(201, DossierSchema)
def receive_dossier():
    """One-stop officer: receive a dossier handed in at the counter (channel 1); 201 with the
    dossier and Location. Refused fields, components or scans answer 422 with every error
    (keys as the counter page's: `component-<code>`, `-count`, `-scan`) and create nothing;
    403 for anyone who is not a one-stop officer of the agency."""
    actor = signed_in_actor()
    reception = posted_payload(CounterReceptionSchema())
    components = _received_components(reception["components"], posted_slot_file_lists())

    def receive() -> tuple[int, dict]:
        dossier = receive_at_counter(
            db.session,
            actor,
            file_storage(),
            reception["procedure_code"],
            reception["data"],
            components,
            agency_id=reception["agency_id"],
            accept=reception["accept"],
        )
        return 201, DossierSchema().dump(dossier)

    return answer_once(
        receive, location=lambda body: url_for("api_v1_dossiers.show_dossier", code=body["code"])
    )


def _received_components(
    listed: list[dict], scans: dict[str, list[tuple[str, bytes]]]
) -> list[ReceivedComponent]:
    """The listed components with their scans; a scan of a component not listed is refused
    rather than dropped, so nothing the officer sent is silently lost."""
    codes = {component["code"] for component in listed}
    stray = {
        component_field(code, "scan"): "Tệp quét của thành phần không có trong danh sách nhận."
        for code in scans
        if code not in codes
    }
    if stray:
        raise InvalidInput("Vui lòng kiểm tra lại các trường được đánh dấu.", stray)
    return [
        ReceivedComponent(
            document_code=component["code"],
            original=component["original"],
            count=component["count"],
            scans=tuple(Scan(name, content) for name, content in scans.get(component["code"], [])),
        )
        for component in listed
    ]


@blp.post("/dossiers/<code>/cash-payment")
@blp.doc(parameters=[KEY_PARAMETER])
@blp.response(200, PaymentSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="The fees are paid already.")
def take_cash_payment(code: str):
    """A one-stop officer of the receiving agency took the fees in cash at the counter: the
    payment is paid, its e-receipt issued and the dossier goes on; answers with the payment.
    404 when the dossier owes nothing (or is out of reach), 403 for other officers."""
    actor = signed_in_actor()

    def record() -> tuple[int, dict]:
        return 200, PaymentSchema().dump(record_cash_payment(db.session, actor, code))

    return answer_once(record)
