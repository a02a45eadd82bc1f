"""Calendar overrides as the administrator enters them, and their effect on new deadlines."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.calendar.models import CalendarOverride
from engine.calendar.overrides import add_override, list_overrides, remove_override
from engine.calendar.working_days import VIETNAM_TZ, calendar_from_session
from engine.calendar.year_view import DayKind, year_grid
from engine.db import transaction
from engine.demo import PROCESSES_DIR, WARD_CODE
from engine.dossiers.models import Dossier
from engine.errors import Forbidden, InvalidInput
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.users.admin_audit import AdminAuditEntry
from engine.workflow.serialization import SPEC_CACHE
from tests.factories import complete, open_task, submit

NEW_YEAR = date(2026, 1, 1)


def add(session_factory, actor, today=NEW_YEAR, **fields):
    with session_factory() as session, transaction(session):
        return add_override(session, actor, today=today, **fields).id


def field_errors(session_factory, actor, **fields) -> dict:
    with pytest.raises(InvalidInput) as raised, session_factory() as session:
        add_override(session, actor, today=NEW_YEAR, **fields)
    return raised.value.field_errors


def test_province_administrator_adds_and_removes_an_override_with_audit(demo, session_factory):
    admin = demo.actor("quantritinh")
    override_id = add(
        session_factory,
        admin,
        day="02/01/2026",
        kind="day_off",
        reason="Công văn 12729/VPCP-KGVX",
    )
    add(session_factory, admin, day="10/01/2026", kind="working_day", reason="Làm bù 02/01")
    with session_factory() as session:
        assert [(o.day, o.kind) for o in list_overrides(session, 2026)] == [
            (date(2026, 1, 2), "day_off"),
            (date(2026, 1, 10), "working_day"),
        ]
        calendar = calendar_from_session(session)
        assert not calendar.is_working_day(date(2026, 1, 2))
        assert calendar.is_working_day(date(2026, 1, 10))

    with session_factory() as session, transaction(session):
        remove_override(session, admin, override_id, today=NEW_YEAR)
    with session_factory() as session:
        assert calendar_from_session(session).is_working_day(date(2026, 1, 2))
        audit = session.scalars(select(AdminAuditEntry).order_by(AdminAuditEntry.id)).all()
    assert [(e.action, e.target, e.actor_name) for e in audit] == [
        ("calendar_override_added", "calendar:2026-01-02", "Lý Thị Kim"),
        ("calendar_override_added", "calendar:2026-01-10", "Lý Thị Kim"),
        ("calendar_override_removed", "calendar:2026-01-02", "Lý Thị Kim"),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"day": "2026-01-05"}, "day", "nhập theo dạng dd/mm/yyyy"),
        ({"day": "31/02/2026"}, "day", "không phải ngày hợp lệ"),
        ({"day": ""}, "day", "Nhập ngày theo dạng dd/mm/yyyy."),
        ({"day": "31/12/2025"}, "day", "Không thêm điều chỉnh cho ngày đã qua."),
        ({"day": "03/01/2026"}, "day", "Ngày 03/01/2026 vốn đã là ngày nghỉ."),
        ({"kind": "working_day"}, "day", "Ngày 05/01/2026 vốn đã là ngày làm việc."),
        ({"kind": "holiday"}, "kind", "Chọn loại: ngày nghỉ thêm hoặc ngày làm bù."),
        ({"reason": "  "}, "reason", "Nhập lý do"),
    ],
)
def test_bad_overrides_are_refused_with_a_message(demo, session_factory, fields, field, message):
    form = {"day": "05/01/2026", "kind": "day_off", "reason": "Nghỉ thêm"} | fields
    errors = field_errors(session_factory, demo.actor("quantritinh"), **form)
    assert message in errors[field]
    with session_factory() as session:
        assert session.scalars(select(CalendarOverride)).all() == []


def test_a_day_cannot_have_two_overrides(demo, session_factory):
    admin = demo.actor("quantritinh")
    add(session_factory, admin, day="05/01/2026", kind="day_off", reason="Nghỉ thêm")
    errors = field_errors(session_factory, admin, day="05/01/2026", kind="day_off", reason="x")
    assert errors["day"] == "Ngày 05/01/2026 đã có điều chỉnh; xóa điều chỉnh cũ trước."


def test_past_overrides_cannot_be_removed(demo, session_factory):
    admin = demo.actor("quantritinh")
    override_id = add(session_factory, admin, day="05/01/2026", kind="day_off", reason="Nghỉ")
    with pytest.raises(InvalidInput, match="ngày đã qua"), session_factory() as session:
        remove_override(session, admin, override_id, today=date(2026, 1, 6))


def test_a_ward_administrator_cannot_change_the_shared_calendar(demo, session_factory):
    with pytest.raises(Forbidden), session_factory() as session:
        add_override(session, demo.actor("quantri"), day="05/01/2026", kind="day_off", reason="x")


def test_year_grid_marks_holidays_make_up_days_and_overrides(demo, session_factory):
    admin = demo.actor("quantritinh")
    add(session_factory, admin, day="02/01/2026", kind="day_off", reason="Nghỉ Tết dương lịch")
    add(session_factory, admin, day="10/01/2026", kind="working_day", reason="Làm bù 02/01")
    with session_factory() as session:
        months = year_grid(session, 2026)
    days = {cell.day: cell for month in months for week in month.weeks for cell in week if cell}
    assert len(days) == 365
    assert days[date(2026, 1, 1)].kind == DayKind.HOLIDAY
    assert days[date(2026, 1, 1)].note == "Tết Dương lịch"
    assert days[date(2026, 2, 17)].kind == DayKind.HOLIDAY
    assert days[date(2026, 9, 2)].kind == DayKind.HOLIDAY
    assert days[date(2026, 8, 22)].kind == DayKind.MAKE_UP
    assert days[date(2026, 1, 2)].kind == DayKind.EXTRA_DAY_OFF
    assert days[date(2026, 1, 10)].kind == DayKind.EXTRA_WORKING_DAY
    assert days[date(2026, 1, 3)].kind == DayKind.WEEKEND
    assert days[date(2026, 1, 5)].kind == DayKind.WORKING
    # January 2026: 22 weekdays, minus 1/1 and 2/1, plus Saturday 10/1
    assert months[0].working_days == 21


@pytest.fixture
def three_day_procedure(demo, session_factory, tmp_path):
    """Khai sinh with a 3-working-day deadline, so a day off inside it moves the due date."""
    package = tmp_path / "khai_sinh"
    shutil.copytree(PROCESSES_DIR / "dang_ky_khai_sinh", package)
    record = json.loads((package / "procedure.json").read_text(encoding="utf-8"))
    record["deadline"] = {"unit": "days", "value": 3}
    (package / "procedure.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    with session_factory() as session, transaction(session):
        publish_package(session, SYSTEM, load_package_dir(package), agency_code=WARD_CODE)
    yield
    SPEC_CACHE._entries.clear()


def received_due_at(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    with session_factory() as session:
        return session.get(Dossier, dossier_id).due_at


def test_a_day_off_added_now_moves_the_due_date_of_dossiers_received_after_it(
    three_day_procedure, demo, session_factory
):
    before = received_due_at(demo, session_factory)
    with session_factory() as session:
        calendar = calendar_from_session(session)
    start = calendar.reception_day(utcnow())
    day_off = calendar.next_working_day(start)
    assert day_off < before.astimezone(VIETNAM_TZ).date()

    today = utcnow().astimezone(VIETNAM_TZ).date()
    add(
        session_factory,
        demo.actor("quantritinh"),
        today=today,
        day=day_off.strftime("%d/%m/%Y"),
        kind="day_off",
        reason="Nghỉ thêm theo thông báo",
    )
    after = received_due_at(demo, session_factory)

    local_before, local_after = before.astimezone(VIETNAM_TZ), after.astimezone(VIETNAM_TZ)
    assert local_after.date() == calendar.next_working_day(local_before.date())
    assert local_after.time() == local_before.time()
    assert local_after - local_before >= timedelta(days=1)
