from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, url_for

from engine.dossiers.ratings import RATING_LEVELS
from engine.errors import InvalidInput
from engine.statistics.charts import horizontal_bars, stacked_bars
from engine.statistics.dashboard import (
    Bar,
    count_dossiers,
    list_dossiers,
    monthly_trend,
    on_time_by_agency,
    overdue_by_field,
)
from engine.statistics.exports import report_pdf, report_xlsx
from engine.statistics.measures import MEASURES, Period, report_period
from engine.statistics.report import GROUPINGS, periodic_report
from engine.statistics.satisfaction import (
    LEVELS,
    SATISFACTION_GROUPINGS,
    RatingFilters,
    count_rated,
    list_rated,
    satisfaction_results,
)
from engine.statistics.scope import Filters
from engine.statistics.service_index import WEIGHTS, service_indexes
from engine.timestamps import LOCAL_TZ, utcnow
from webapp.auth import current_actor, require_kind
from webapp.extensions import db
from webapp.statistics import bp

PAGE_SIZE = 100


@bp.before_request
def officers_only():
    if request.path.startswith("/can-bo/"):
        require_kind("officer")


@bp.get("/can-bo/thong-ke")
def dashboard():
    actor, now, period = current_actor(), utcnow(), _period()
    group_by = request.args.get("nhom", "field")
    if group_by not in GROUPINGS:
        raise InvalidInput("Cách nhóm báo cáo không hợp lệ.")
    trend = monthly_trend(db.session, actor, now)
    return render_template(
        "statistics/dashboard.html",
        period=period,
        group_by=group_by,
        groupings=GROUPINGS,
        report=periodic_report(db.session, actor, period, now, group_by=group_by),
        trend={m: horizontal_bars(bars) for m, bars in trend.items()},
        on_time=horizontal_bars(on_time_by_agency(db.session, actor, period, now), full_scale=100),
        overdue=horizontal_bars(overdue_by_field(db.session, actor, period, now)),
        indexes=service_indexes(db.session, actor, period, now),
        weights=WEIGHTS,
    )


@bp.get("/can-bo/thong-ke/ho-so")
def dossiers():
    actor, now, period = current_actor(), utcnow(), _period()
    measure = request.args.get("chi-so", "")
    if measure not in MEASURES:
        raise InvalidInput("Chỉ số thống kê không hợp lệ.")
    filters = _filters()
    page = max(request.args.get("trang", 1, type=int), 1)
    return render_template(
        "statistics/dossiers.html",
        measure=MEASURES[measure],
        period=period,
        total=count_dossiers(db.session, actor, measure, period, now, filters),
        dossiers=list_dossiers(
            db.session, actor, measure, period, now, filters,
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
        ),
        page=page,
        page_size=PAGE_SIZE,
    )  # fmt: skip


@bp.get("/can-bo/thong-ke/hai-long")
def satisfaction():
    """Satisfaction results per agency (with sub-units) or per officer over the period."""
    actor, period = current_actor(), _period()
    group_by = request.args.get("nhom", "agency")
    if group_by not in SATISFACTION_GROUPINGS:
        raise InvalidInput("Cách nhóm kết quả đánh giá không hợp lệ.")
    results = satisfaction_results(db.session, actor, period, group_by=group_by)
    return render_template(
        "statistics/satisfaction.html",
        period=period,
        group_by=group_by,
        groupings=SATISFACTION_GROUPINGS,
        results=results,
        chart=stacked_bars(results.rows, LEVELS),
        levels=RATING_LEVELS,
    )


@bp.get("/can-bo/thong-ke/hai-long/ho-so")
def rated_dossiers():
    """The rated dossiers a satisfaction number counts."""
    actor, period = current_actor(), _period()
    level = request.args.get("muc", type=int)
    if level is not None and level not in RATING_LEVELS:
        raise InvalidInput("Mức độ hài lòng không hợp lệ.")
    filters = RatingFilters(
        level=level,
        agency_id=request.args.get("co-quan", type=int),
        officer_id=request.args.get("can-bo", type=int),
    )
    page = max(request.args.get("trang", 1, type=int), 1)
    return render_template(
        "statistics/rated_dossiers.html",
        period=period,
        level_label=RATING_LEVELS.get(level, "Tất cả các mức"),
        total=count_rated(db.session, actor, period, filters),
        rated=list_rated(
            db.session, actor, period, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        ),
        levels=RATING_LEVELS,
        page=page,
        page_size=PAGE_SIZE,
    )


@bp.get("/can-bo/thong-ke/bao-cao.<kind>")
def report_file(kind: str):
    actor, period = current_actor(), _period()
    report = periodic_report(
        db.session, actor, period, utcnow(), group_by=request.args.get("nhom", "field")
    )
    unit = (
        ", ".join(row.label for row in report.rows if row.depth == 0)
        if report.group_by == "agency"
        else actor.full_name
    )
    if kind == "xlsx":
        body, mimetype = (
            report_xlsx(report, unit),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif kind == "pdf":
        body, mimetype = report_pdf(report, unit), "application/pdf"
    else:
        raise InvalidInput("Định dạng tệp không hỗ trợ.")
    name = f"bao-cao-tthc-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{kind}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/thong-ke")
def public_figures():
    """The province's figures per agency: counts and rates, no personal data."""
    now, period = utcnow(), _period()
    return render_template(
        "statistics/public.html",
        period=period,
        report=periodic_report(db.session, None, period, now, group_by="agency"),
        indexes=service_indexes(db.session, None, period, now),
    )


def bar_url(bar: Bar) -> str:
    """The list of the dossiers a bar counts: same measure, period and filters."""
    params = {
        "chi-so": bar.measure,
        "tu": bar.period.start.isoformat(),
        "den": bar.period.end.isoformat(),
        "co-quan": bar.filters.agency_id,
        "linh-vuc": bar.filters.field,
        "kenh": bar.filters.channel,
    }
    return url_for("statistics.dossiers", **{k: v for k, v in params.items() if v is not None})


def rated_url(period: Period, filters: RatingFilters) -> str:
    """The list of the rated dossiers a satisfaction number counts."""
    params = {
        "tu": period.start.isoformat(),
        "den": period.end.isoformat(),
        "muc": filters.level,
        "co-quan": filters.agency_id,
        "can-bo": filters.officer_id,
    }
    return url_for(
        "statistics.rated_dossiers", **{k: v for k, v in params.items() if v is not None}
    )


def _period() -> Period:
    try:
        start, end = (_day(request.args.get(name)) for name in ("tu", "den"))
    except ValueError:
        raise InvalidInput("Ngày không hợp lệ (định dạng YYYY-MM-DD).") from None
    return report_period(start, end, utcnow().astimezone(LOCAL_TZ).date())


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _filters() -> Filters:
    return Filters(
        agency_id=request.args.get("co-quan", type=int),
        field=request.args.get("linh-vuc") or None,
        procedure_id=request.args.get("thu-tuc", type=int),
        channel=request.args.get("kenh", type=int),
        officer_id=request.args.get("can-bo", type=int),
    )


bp.add_app_template_global(bar_url, "bar_url")
bp.add_app_template_global(rated_url, "rated_url")
