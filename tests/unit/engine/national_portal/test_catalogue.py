"""The portal's catalogue fetched from the sandbox adapter and compared with ours."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.national_portal.catalogue import (
    accept_portal_change,
    fetch_portal_catalogue,
    list_portal_changes,
)
from engine.procedures.catalogue import update_procedure
from engine.procedures.models import Procedure
from engine.procedures.national_format import to_national
from tests.factories import KHAI_SINH


def _portal_record(session_factory, code: str = KHAI_SINH) -> dict:
    """Our record as the portal states it (without what only our exports carry)."""
    with session_factory() as session:
        procedure = session.scalar(select(Procedure).where(Procedure.code == code))
        record = to_national(procedure)
    record.pop("MOTCUA")
    return record


def _procedure(session_factory, code: str = KHAI_SINH) -> Procedure:
    with session_factory() as session:
        return session.scalar(select(Procedure).where(Procedure.code == code))


@pytest.fixture
def admin(demo):
    return demo.actor("quantritinh")


def test_differences_reported_field_by_field_and_applied_when_accepted(
    adapter, demo, session_factory, admin
):
    portal = _portal_record(session_factory)
    portal["TENTTHC"] = "Đăng ký khai sinh (cập nhật 2026)"
    portal["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"] = [
        {"MAPHILEPHI": "1", "SOTIEN": 8000, "DONVI": "Đồng", "MOTA": "Lệ phí đăng ký khai sinh"}
    ]
    adapter.publish_procedure(portal)
    before = _procedure(session_factory)

    report = fetch_portal_catalogue(session_factory)
    assert report.listed == 2 and report.unreadable == []

    with session_factory() as session:
        changes = {change.procedure_code: change for change in list_portal_changes(session, admin)}
        ours = changes[KHAI_SINH]
        assert not ours.is_new
        assert [row["field"] for row in ours.differences] == ["name", "fees"]
        name = ours.differences[0]
        assert (name["label"], name["local"], name["portal"]) == (
            "Tên thủ tục",
            before.name,
            "Đăng ký khai sinh (cập nhật 2026)",
        )
        assert changes["2.000986"].is_new
        change_id = ours.id
    # nothing written before the administrator accepts
    assert _procedure(session_factory).record == before.record

    with session_factory() as session, transaction(session):
        accept_portal_change(session, admin, change_id)
    after = _procedure(session_factory)
    assert after.name == "Đăng ký khai sinh (cập nhật 2026)"
    assert [fee["amount"] for fee in after.record["fees"]] == [8000]
    # what the portal's shape cannot carry stayed ours
    assert after.record["steps"] == before.record["steps"]
    assert after.record["online_service_level"] == before.record.get("online_service_level")
    assert after.record["documents"] == before.record["documents"]

    # fetched again: nothing waits for this procedure any more
    fetch_portal_catalogue(session_factory)
    with session_factory() as session:
        waiting = [
            c.procedure_code for c in list_portal_changes(session, admin) if not c.accepted_at
        ]
    assert waiting == ["2.000986"]


def test_a_local_edit_is_not_overwritten_without_acceptance(adapter, demo, session_factory, admin):
    adapter.publish_procedure(_portal_record(session_factory))
    fetch_portal_catalogue(session_factory)
    with session_factory() as session:
        assert [c.procedure_code for c in list_portal_changes(session, admin)] == ["2.000986"]

    with session_factory() as session, transaction(session):
        procedure = session.scalar(select(Procedure).where(Procedure.code == KHAI_SINH))
        record = copy.deepcopy(procedure.record)
        record["conditions"] = "Điều kiện riêng của tỉnh"
        update_procedure(session, admin, KHAI_SINH, record)

    fetch_portal_catalogue(session_factory)
    assert _procedure(session_factory).record["conditions"] == "Điều kiện riêng của tỉnh"
    with session_factory() as session:
        [change] = [c for c in list_portal_changes(session, admin) if c.procedure_code == KHAI_SINH]
        assert [(row["field"], row["local"]) for row in change.differences] == [
            ("conditions", "Điều kiện riêng của tỉnh")
        ]


def test_a_new_procedure_is_created_when_accepted(adapter, demo, session_factory, admin):
    fetch_portal_catalogue(session_factory)
    with session_factory() as session, transaction(session):
        [change] = list_portal_changes(session, admin)
        accept_portal_change(session, admin, change.id)
    created = _procedure(session_factory, "2.000986")
    assert created.name == "Đăng ký kết hôn"
    assert created.record["documents"][0]["name"] == "Tờ khai đăng ký kết hôn"
