"""Template filters: times in Vietnam's timezone, status labels, channel names."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine.calendar.written_dates import short_date
from engine.dossiers.statuses import get_status, status_label
from engine.timestamps import LOCAL_TZ
from engine.users.admin_audit import action_label
from forms.documents.amount_words import amount_in_figures
from forms.rendering import error_links
from webapp.auth import current_actor

CHANNEL_LABELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính"}
TIMING_LABELS = {"early": "Sớm hạn", "on_time": "Đúng hạn", "late": "Trễ hạn"}


def local_time(value: datetime | None, pattern: str = "%H:%M %d/%m/%Y") -> str:
    return value.astimezone(LOCAL_TZ).strftime(pattern) if value else "—"


def register_filters(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(amount_in_figures, "money")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(action_label, "audit_action")
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(lambda code: get_status(code).final, "status_final")
    app.add_template_filter(lambda channel: CHANNEL_LABELS.get(channel, "—"), "channel_label")
    app.add_template_filter(lambda timing: TIMING_LABELS.get(timing or "", "—"), "timing_label")
    app.add_template_global(error_links, "error_links")
    app.context_processor(lambda: {"actor": current_actor()})
