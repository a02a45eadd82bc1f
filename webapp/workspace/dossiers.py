"""The officer's dossier page: the whole dossier, its diagram and its history, on one page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from engine.db import transaction
from engine.deadlines.extension_requests import (
    dossier_requests,
    may_request_extension,
    pending_request,
)
from engine.deadlines.extensions import list_extensions
from engine.document_issues.exchange import current_issue, issue_requested
from engine.dossiers.messages import list_messages
from engine.dossiers.overview import dossier_overview
from engine.dossiers.results import list_result_files
from engine.notifications.deliveries import deliveries_of
from engine.payments.collection import RECEPTION_ROLE, current_payment, record_cash_payment
from engine.payments.models import STATE_LABELS as PAYMENT_STATE_LABELS
from engine.postal.shipments import shipments_of
from engine.signing.requests import signatures_by_document
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.workspace import bp

EVENT_LABELS = {
    "submitted": "Nộp hồ sơ",
    "task_completed": "Hoàn thành",
    "timer_fired": "Hết thời gian chờ",
    "service_completed": "Hệ thống thực hiện",
    "deadline_extended": "Gia hạn giải quyết",
    "service_refused": "Kết nối từ chối",
    "payment_received": "Đã thu phí, lệ phí",
    "document_issued": "Hệ thống quản lý văn bản đã cấp số",
    "postal_status": "Bưu điện cập nhật",
}
CLOCK_LABELS = {
    "not_started": "Chưa bắt đầu tính (hồ sơ chưa được tiếp nhận)",
    "on_track": "Trong hạn",
    "due_soon": "Sắp đến hạn (còn dưới 1 ngày làm việc)",
    "overdue": "Quá hạn",
    "paused": "Tạm dừng tính thời gian (chờ bổ sung)",
    "finished": "Đã giải quyết xong",
}


@bp.get("/ho-so/<code>")
def dossier(code: str):
    return render_dossier(code)


def render_dossier(
    code: str, *, extension_form: dict | None = None, extension_errors: dict | None = None
) -> str:
    """The page; with the extension request as posted and its errors beside its fields."""
    actor = current_actor()
    overview = dossier_overview(db.session, actor, code)
    dossier = overview.dossier
    return render_template(
        "workspace/dossier.html",
        overview=overview,
        result_files=list_result_files(db.session, dossier),
        signatures=signatures_by_document(db.session, dossier),
        shipments=shipments_of(db.session, dossier.id),
        document_issue=current_issue(db.session, dossier.id),
        document_issue_requested=issue_requested(db.session, dossier.id),
        event_labels=EVENT_LABELS,
        clock_labels=CLOCK_LABELS,
        messages=list_messages(db.session, actor, code),
        extension_requests=dossier_requests(db.session, dossier.id),
        extensions=list_extensions(db.session, dossier.id),
        may_ask_extension=may_request_extension(actor, dossier)
        and pending_request(db.session, dossier.id) is None,
        extension_form=extension_form or {},
        extension_errors=extension_errors or {},
        payment=current_payment(db.session, dossier.id),
        payment_labels=PAYMENT_STATE_LABELS,
        may_take_cash=actor.has_role(RECEPTION_ROLE, dossier.receiving_agency_id),
        deliveries=deliveries_of(db.session, dossier.id),
    )


@bp.post("/ho-so/<code>/thu-le-phi")
def take_cash_payment(code: str):
    with transaction(db.session):
        record_cash_payment(db.session, current_actor(), code)
    flash("Đã ghi nhận thu phí, lệ phí bằng tiền mặt.", "success")
    return redirect(url_for(".dossier", code=code))
