"""Dossiers pushed to the national portal through the outbox, over HTTP to the sandbox adapter:
exact records, order per dossier, outages and expired sessions."""

from __future__ import annotations

from datetime import datetime

import time_machine
from sqlalchemy import select

from connectors.national_portal.client import SYNC_DOSSIER, SYNC_PROGRESS
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.national_portal.backlog import list_unsynced, retry_unsynced
from engine.national_portal.sync import portal_time
from engine.outbox.models import DONE, FAILED, PENDING, OutboxMessage
from engine.timestamps import LOCAL_TZ
from tests.factories import complete, open_task, submit
from tests.national_portal import run_worker

TUESDAY_10 = datetime(2026, 12, 8, 10, 0, tzinfo=LOCAL_TZ)


def _dossier(session_factory, dossier_id) -> Dossier:
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        dossier.agency, dossier.procedure  # noqa: B018 (loaded before the session closes)
        return dossier


def _accept_and_process(demo, session_factory, dossier_id) -> None:
    task = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})


@time_machine.travel(TUESDAY_10, tick=False)
def test_new_dossier_and_its_steps_arrive_with_the_exact_records(adapter, demo, session_factory):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id)
    _accept_and_process(demo, session_factory, dossier_id)
    run_worker(session_factory)

    dossier = _dossier(session_factory, dossier_id)
    submitted = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": dossier.procedure.name,
        "MaLinhVuc": dossier.procedure.record.get("field_code", ""),
        "TenLinhVuc": dossier.procedure.field,
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": dossier.applicant_id_number or "",
        "SoDienThoai": dossier.applicant_phone or "",
        "Email": dossier.applicant_email or "",
        "TrichYeuHoSo": f"{dossier.procedure.name} — Nguyễn Văn An",
        "NgayNopHoSo": "20261208100000",
        "NgayTiepNhan": "",
        "NgayHenTra": "",
        "TrangThaiHoSo": 1,
        "NgayKetThucXuLy": "",
        "NgayTra": "",
        "MaDonViXuLy": dossier.agency.code,
        "DonViXuLy": dossier.agency.name,
    }
    received = {
        **submitted,
        "NgayTiepNhan": "20261208100000",
        "NgayHenTra": "20261208170000",
        "TrangThaiHoSo": 4,
    }
    assert adapter.accepted(SYNC_DOSSIER) == [submitted, received]
    assert adapter.accepted(SYNC_PROGRESS) == [
        {
            "MaHoSo": code,
            "NguoiXuLy": demo.actor("motcua").full_name,
            "ChucDanh": "Cán bộ một cửa",
            "ThoiDiemXuLy": "20261208100000",
            "PhongBanXuLy": dossier.agency.name,
            "NoiDungXuLy": "Tiếp nhận hồ sơ",
            "TrangThai": 4,
            "NgayBatDau": portal_time(reception.created_at),
            "NgayKetThucTheoQuyDinh": portal_time(reception.due_at or dossier.due_at),
        }
    ]
    # the portal was told of the status change before the step that caused it
    assert [call["service"] for call in adapter.calls()] == [
        SYNC_DOSSIER,
        SYNC_DOSSIER,
        SYNC_PROGRESS,
    ]
    assert adapter.logins == 1


def _process(demo, session_factory, dossier_id) -> str:
    task = open_task(session_factory, dossier_id, "processing")
    complete(
        session_factory,
        demo.actor("thuly"),
        task.id,
        {"verification_note": "Hồ sơ đầy đủ.", "proposal": "propose_approve"},
    )
    return task.title


def _portal_rows(session_factory, dossier_id) -> list[OutboxMessage]:
    with session_factory() as session:
        return session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.dossier_id == dossier_id,
                OutboxMessage.operation.like("national_portal/%"),
            )
            .order_by(OutboxMessage.id)
        ).all()


def test_portal_down_then_back_loses_nothing_and_keeps_order(adapter, demo, session_factory):
    citizen = demo.actor("congdan")
    first_id, first = submit(session_factory, citizen)
    run_worker(session_factory)
    adapter.set_down()
    _accept_and_process(demo, session_factory, first_id)
    processing_title = _process(demo, session_factory, first_id)
    run_worker(session_factory, sweeps=3)

    # only the head of the dossier's queue was tried; the rows behind it waited their turn
    waiting = [row for row in _portal_rows(session_factory, first_id) if row.status != DONE]
    assert [row.attempts for row in waiting] == [3, 0, 0, 0]
    assert "503" in waiting[0].last_error
    assert {row.status for row in waiting} == {PENDING}

    adapter.set_down(False)
    _, second = submit(session_factory, citizen)
    run_worker(session_factory)

    statuses = [(row["MaHoSo"], row["TrangThaiHoSo"]) for row in adapter.accepted(SYNC_DOSSIER)]
    assert [status for code, status in statuses if code == first] == [1, 4, 4]
    assert [status for code, status in statuses if code == second] == [1]
    assert [row["NoiDungXuLy"] for row in adapter.accepted(SYNC_PROGRESS)] == [
        "Tiếp nhận hồ sơ",
        processing_title,
    ]
    assert {row.status for row in _portal_rows(session_factory, first_id)} == {DONE}


def test_a_refused_update_holds_its_dossier_only(adapter, demo, session_factory):
    citizen, admin = demo.actor("congdan"), demo.actor("quantritinh")
    held_id, held = submit(session_factory, citizen)
    run_worker(session_factory)
    adapter.refuse(held, "Ngày tiếp nhận không hợp lệ")
    _accept_and_process(demo, session_factory, held_id)
    other_id, _ = submit(session_factory, citizen)
    _accept_and_process(demo, session_factory, other_id)
    _process(demo, session_factory, held_id)
    run_worker(session_factory)

    assert [row.status for row in _portal_rows(session_factory, held_id)] == [
        DONE,
        FAILED,
        PENDING,
        PENDING,
        PENDING,
    ]
    assert {row.status for row in _portal_rows(session_factory, other_id)} == {DONE}
    with session_factory() as session:
        [unsynced_head, *behind] = list_unsynced(session, admin)
        assert (unsynced_head.dossier_code, unsynced_head.status) == (held, FAILED)
        assert "Ngày tiếp nhận không hợp lệ" in unsynced_head.last_error
        assert [line.waits_for_earlier for line in behind] == [True, True, True]

    adapter.refuse(held, None)
    with session_factory() as session, transaction(session):
        assert retry_unsynced(session, admin, unsynced_head.message_id) == 1
    run_worker(session_factory)
    assert {row.status for row in _portal_rows(session_factory, held_id)} == {DONE}
    statuses = [row["TrangThaiHoSo"] for row in adapter.accepted(SYNC_DOSSIER)]
    assert statuses == [1, 1, 4, 4, 4]  # held 1, other 1, other 4, then held 4, 4 in order
    with session_factory() as session:
        assert list_unsynced(session, admin) == []


def test_an_expired_session_logs_in_again(adapter, demo, session_factory):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    run_worker(session_factory)
    adapter.expire_sessions()
    _accept_and_process(demo, session_factory, dossier_id)
    run_worker(session_factory)
    assert adapter.logins == 2
    assert [call["answer"] for call in adapter.calls()] == [0, -2, 0, 0]
    assert adapter.dossiers[code]["TrangThaiHoSo"] == 4
    assert [row["NoiDungXuLy"] for row in adapter.accepted(SYNC_PROGRESS)] == ["Tiếp nhận hồ sơ"]
