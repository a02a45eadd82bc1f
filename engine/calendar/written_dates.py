"""Dates and times written as Vietnamese official documents write them (Nghị định 30/2020/NĐ-CP).

Days below 10 and the months January and February take a leading zero ("ngày 05 tháng 02 năm
2026", "ngày 15 tháng 3 năm 2026"), so a date cannot be altered by adding a digit.
"""

from __future__ import annotations

from datetime import date, datetime

from engine.timestamps import LOCAL_TZ


def written_date(day: date | datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2026'; '' for no date. A datetime is read in Vietnam's time zone."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(LOCAL_TZ).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def written_time(moment: datetime | None) -> str:
    """'14 giờ 05 phút, ngày 05 tháng 02 năm 2026' in Vietnam's time zone; '' for no time."""
    if moment is None:
        return ""
    local = moment.astimezone(LOCAL_TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {written_date(local)}"


def short_date(moment: date | datetime | None) -> str:
    """'05/02/2026', for table cells where the long form does not fit."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone(LOCAL_TZ).date()
    return moment.strftime("%d/%m/%Y")
