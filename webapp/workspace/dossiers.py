"""The officer's dossier page: the whole dossier, its diagram and its history, on one page."""

from __future__ import annotations

from flask import render_template

from engine.dossiers.messages import list_messages
from engine.dossiers.overview import dossier_overview
from engine.dossiers.results import list_result_files
from webapp.auth import current_actor
from webapp.extensions import db
from webapp.workspace import bp

EVENT_LABELS = {
    "submitted": "Nộp hồ sơ",
    "task_completed": "Hoàn thành",
    "timer_fired": "Hết thời gian chờ",
    "service_completed": "Hệ thống thực hiện",
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
    overview = dossier_overview(db.session, current_actor(), code)
    return render_template(
        "workspace/dossier.html",
        overview=overview,
        result_files=list_result_files(db.session, overview.dossier),
        event_labels=EVENT_LABELS,
        clock_labels=CLOCK_LABELS,
        messages=list_messages(db.session, current_actor(), code),
    )
