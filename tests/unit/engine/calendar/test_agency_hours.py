"""An agency's working windows and reception cut-off, as its administrator edits them."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.calendar.agency_hours import (
    administered_agencies,
    agency_hours,
    reset_agency_hours,
    set_agency_hours,
)
from engine.calendar.deadlines import HOURS, Deadline
from engine.calendar.working_days import VIETNAM_TZ, calendar_from_session
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.errors import Forbidden, InvalidInput
from engine.users.admin_audit import AdminAuditEntry

MORNING_AND_AFTERNOON = [("07:00", "11:00"), ("13:00", "16:00"), ("", ""), ("", "")]


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def save(session_factory, actor, agency: int, windows, cutoff: str):
    with session_factory() as session, transaction(session):
        return set_agency_hours(session, actor, agency, windows=windows, cutoff=cutoff)


def test_new_hours_change_the_computed_due_times(demo, session_factory):
    ward = agency_id(session_factory, WARD_CODE)
    with session_factory() as session:
        before = calendar_from_session(session, ward)
    friday_afternoon = local(2026, 3, 6, 15, 30)
    four_hours = Deadline(HOURS, 4)
    # default 07:30-11:30, 13:30-17:00: 1.5 h on Friday, 2.5 h from Monday 07:30
    assert before.deadline_due_at(friday_afternoon, four_hours) == local(2026, 3, 9, 10, 0)
    assert before.due_at(local(2026, 3, 6, 16, 0), 1) == local(2026, 3, 6, 17, 0)

    save(session_factory, demo.actor("quantri"), ward, MORNING_AND_AFTERNOON, "15:00")

    with session_factory() as session:
        after = calendar_from_session(session, ward)
        audit = session.scalars(select(AdminAuditEntry)).one()
    # 07:00-11:00, 13:00-16:00: 0.5 h on Friday, 3.5 h from Monday 07:00
    assert after.deadline_due_at(friday_afternoon, four_hours) == local(2026, 3, 9, 10, 30)
    # received at 16:00, after the new 15:00 cut-off: counts from Monday, due at its closing
    assert after.due_at(local(2026, 3, 6, 16, 0), 1) == local(2026, 3, 9, 16, 0)
    assert audit.action == "working_hours_changed"
    assert audit.target == f"agency:{WARD_CODE}"
    assert audit.details["after"] == {"windows": ["07:00–11:00", "13:00–16:00"], "cutoff": "15:00"}


def test_a_sub_agency_inherits_and_reset_restores_the_default(demo, session_factory):
    province_admin = demo.actor("quantritinh")
    ward = agency_id(session_factory, WARD_CODE)
    with session_factory() as session:
        province = session.scalar(select(Agency.parent_id).where(Agency.id == ward))
    long_day = [("08:00", "12:00"), ("13:00", "17:30")]
    save(session_factory, province_admin, province, long_day, "17:00")
    with session_factory() as session:
        hours = agency_hours(session, province_admin, ward)
        assert hours.windows == ((time(8), time(12)), (time(13), time(17, 30)))
        assert hours.cutoff == time(17) and not hours.own_windows
    with session_factory() as session, transaction(session):
        reset_agency_hours(session, province_admin, province)
    with session_factory() as session:
        hours = agency_hours(session, province_admin, ward)
    assert hours.windows == ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
    assert hours.cutoff == time(16, 30)


@pytest.mark.parametrize(
    ("windows", "cutoff", "field", "message"),
    [
        ([("11:30", "07:30")], "09:00", "closes_0", "Giờ kết thúc phải sau giờ bắt đầu."),
        (
            [("07:30", "11:30"), ("11:00", "17:00")],
            "16:00",
            "opens_1",
            "Khung giờ 11:00–17:00 trùng với 07:30–11:30.",
        ),
        ([("7 giờ", "11:30")], "09:00", "opens_0", "không phải giờ hợp lệ"),
        ([("07:30", "25:00")], "09:00", "closes_0", "không phải giờ hợp lệ"),
        ([("", ""), ("", "")], "16:30", "opens_0", "Nhập ít nhất một khung giờ làm việc."),
        ([("07:30", "11:30")], "16:30", "cutoff", "Giờ chốt tiếp nhận phải trong giờ làm việc"),
        ([("07:30", "11:30")], "", "cutoff", "Nhập giờ theo dạng HH:MM"),
    ],
)
def test_bad_hours_are_refused_and_nothing_changes(
    demo, session_factory, windows, cutoff, field, message
):
    ward = agency_id(session_factory, WARD_CODE)
    with pytest.raises(InvalidInput) as raised:
        save(session_factory, demo.actor("quantri"), ward, windows, cutoff)
    assert message in raised.value.field_errors[field]
    with session_factory() as session:
        assert not agency_hours(session, demo.actor("quantri"), ward).own_windows


def test_a_ward_administrator_cannot_touch_another_ward(demo, session_factory):
    partner = agency_id(session_factory, PARTNER_WARD_CODE)
    with pytest.raises(Forbidden):
        save(session_factory, demo.actor("quantri"), partner, MORNING_AND_AFTERNOON, "15:00")
    with session_factory() as session:
        names = [agency.code for agency, _ in administered_agencies(session, demo.actor("quantri"))]
    assert names == [WARD_CODE]
