"""Reports: the statistics dashboard's figures for a period, within the caller's statistics scope
(leaders, administrators and auditors of their agencies with sub-units: engine.statistics)."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, post_load

from engine.statistics.measures import PeriodRefused, report_period
from engine.statistics.summary import report_summary
from engine.timestamps import LOCAL_TZ, utcnow
from webapp.api_v1.integers import stored_integer
from webapp.auth import signed_in_actor
from webapp.extensions import db

blp = Blueprint(
    "api_v1_reports",
    __name__,
    url_prefix="/reports",
    description="Báo cáo, thống kê tình hình giải quyết hồ sơ (lãnh đạo, quản trị, thanh tra).",
)

BAD_DATE = {
    "vi": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "en": "Not a valid date (YYYY-MM-DD).",
}
#: the engine's field names -> this operation's parameters
PERIOD_PARAMETERS = {"start": "from", "end": "to"}


class SummaryArgs(Schema):
    start = fields.Date(
        data_key="from",
        load_default=None,
        error_messages={"invalid": BAD_DATE},
        metadata={"description": "Từ ngày (mặc định 01/01 năm nay)"},
    )
    end = fields.Date(
        data_key="to",
        load_default=None,
        error_messages={"invalid": BAD_DATE},
        metadata={"description": "Đến ngày (mặc định hôm nay)"},
    )
    agency_id = stored_integer(
        strict=False,
        load_default=None,
        metadata={"description": "Một đơn vị cùng các đơn vị trực thuộc"},
    )

    @post_load
    def period(self, data: dict, **kwargs) -> dict:
        today = utcnow().astimezone(LOCAL_TZ).date()
        try:
            period = report_period(data["start"], data["end"], today)
        except PeriodRefused as refused:
            message = {"vi": refused.message, "en": refused.english}
            raise ValidationError(message, PERIOD_PARAMETERS[refused.field]) from None
        return {"period": period, "agency_id": data["agency_id"]}


class ColumnSchema(Schema):
    key = fields.String()
    label = fields.String()


class AgencyRowSchema(Schema):
    agency_id = fields.Integer(attribute="key")
    name = fields.String(attribute="label")
    #: 0 for the top units of the caller's scope, 1 for their sub-units...
    depth = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class ProcedureRowSchema(Schema):
    procedure_id = fields.Integer(attribute="key", allow_none=True)
    name = fields.String(attribute="label")
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class SatisfactionSchema(Schema):
    ratings = fields.Integer(attribute="total")
    dissatisfied = fields.Integer()
    rate = fields.Float(
        allow_none=True, metadata={"description": "% not dissatisfied; null when nobody rated"}
    )
    by_level = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        attribute="counts",
        metadata={"description": "ratings per level, 5 (rất hài lòng) to 1"},
    )


class ServiceIndexSchema(Schema):
    agency_id = fields.Integer()
    agency_name = fields.String()
    depth = fields.Integer()
    received = fields.Integer()
    resolved = fields.Integer()
    on_time_rate = fields.Float()
    online_rate = fields.Float()
    online_payment_rate = fields.Float()
    satisfaction_rate = fields.Float()
    score = fields.Float()
    available_points = fields.Integer()


class SummarySchema(Schema):
    start = fields.Date(attribute="period.start", data_key="from")
    end = fields.Date(attribute="period.end", data_key="to")
    agency_id = fields.Integer(allow_none=True)
    columns = fields.Nested(ColumnSchema, many=True)
    total = fields.Dict(keys=fields.String(), values=fields.Integer(), attribute="by_agency.total")
    by_agency = fields.Nested(AgencyRowSchema, many=True, attribute="by_agency.rows")
    by_procedure = fields.Nested(ProcedureRowSchema, many=True, attribute="by_procedure.rows")
    satisfaction = fields.Nested(SatisfactionSchema, attribute="satisfaction.total")
    service_index = fields.Nested(ServiceIndexSchema, many=True, attribute="service_indexes")


@blp.get("/summary")
@blp.arguments(SummaryArgs, location="query")
@blp.response(200, SummarySchema)
def summary(args: dict):
    """Leaders, administrators, auditors: received, resolved early / on time / late, in progress
    in time / overdue, per agency and per procedure; the ratings and the service index."""
    return report_summary(
        db.session, signed_in_actor(), args["period"], utcnow(), agency_id=args["agency_id"]
    )
