"""The expiry a person types (a last valid day, dd/mm/yyyy, local) as the moment it ends."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from engine.calendar.overrides import parse_day
from engine.timestamps import LOCAL_TZ


def expiry_from_text(
    text: str, errors: dict[str, str], now: datetime, field: str = "expires_on"
) -> datetime | None:
    """None for an empty field (no expiry); the end of the named local day otherwise."""
    if not (text or "").strip():
        return None
    day = parse_day(text, errors, field)
    if day is None:
        return None
    moment = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    if moment <= now:
        errors[field] = "Ngày hết hạn phải từ hôm nay trở đi."
        return None
    return moment
