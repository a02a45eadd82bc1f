"""The period a report covers: its defaults, and the dates it refuses in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from engine.statistics.measures import Period, PeriodRefused, report_period

TODAY = date(2026, 12, 7)


def test_a_report_covers_this_year_to_today_unless_told():
    assert report_period(None, None, TODAY) == Period(date(2026, 1, 1), TODAY)
    assert report_period(date(2025, 3, 1), None, TODAY) == Period(date(2025, 3, 1), TODAY)
    assert report_period(None, date(2026, 6, 30), TODAY).start == date(2026, 1, 1)


def test_a_reversed_or_far_period_is_refused_naming_its_field():
    with pytest.raises(PeriodRefused) as reversed_period:
        report_period(date(2026, 6, 1), date(2026, 5, 31), TODAY)
    assert reversed_period.value.field == "end"
    assert reversed_period.value.field_errors == {"end": "Ngày kết thúc phải sau ngày bắt đầu."}
    assert reversed_period.value.english == "The end date must not be before the start date."
    with pytest.raises(PeriodRefused) as too_early:
        report_period(date(1, 1, 1), None, TODAY)
    assert too_early.value.field == "start"
    with pytest.raises(PeriodRefused) as too_late:
        report_period(None, date(9999, 12, 31), TODAY)
    assert too_late.value.field == "end"
