"""The adapter client over real HTTP to the sandbox adapter."""

from __future__ import annotations

import pytest

from connectors.contract import OperationFailed, OperationRefused
from connectors.national_portal.client import (
    SANDBOX_DSTCODE,
    SYNC_DOSSIER,
    SYNC_PROGRESS,
    call_service,
    list_procedures,
    portal_settings,
    sync_dossier,
    sync_progress,
)
from connectors.national_portal.sandbox import NationalPortalSandbox
from connectors.national_portal.sessions import MemorySessionStore

RECORD = {
    "MaHoSo": "000.00.20.H25-261208-0001",
    "MaTTHC": "1.001193",
    "TenTTHC": "Đăng ký khai sinh",
    "KenhThucHien": 2,
    "ChuHoSo": "Nguyễn Văn An",
    "TrangThaiHoSo": 1,
}


@pytest.fixture
def adapter():
    sandbox = NationalPortalSandbox().start()
    yield sandbox
    sandbox.stop()


def test_logs_in_once_and_sends_the_dstcode(adapter):
    settings, sessions = portal_settings(adapter.settings, {}), MemorySessionStore()
    sync_dossier(RECORD, settings, sessions)
    sync_dossier({**RECORD, "TrangThaiHoSo": 2}, settings, sessions)
    assert adapter.logins == 1
    calls = adapter.calls(SYNC_DOSSIER)
    assert [call["dstcode"] for call in calls] == [SANDBOX_DSTCODE] * 2
    assert [call["data"] for call in calls] == [[RECORD], [{**RECORD, "TrangThaiHoSo": 2}]]
    assert adapter.dossiers[RECORD["MaHoSo"]]["TrangThaiHoSo"] == 2


def test_an_expired_session_logs_in_again(adapter):
    settings, sessions = portal_settings(adapter.settings, {}), MemorySessionStore()
    sync_dossier(RECORD, settings, sessions)
    adapter.expire_sessions()
    sync_dossier(RECORD, settings, sessions)
    assert adapter.logins == 2
    assert [call["answer"] for call in adapter.calls()] == [0, -2, 0]


def test_progress_before_the_dossier_is_refused(adapter):
    settings, sessions = portal_settings(adapter.settings, {}), MemorySessionStore()
    entry = {
        "MaHoSo": RECORD["MaHoSo"],
        "NguoiXuLy": "Trần Thị Bình",
        "ChucDanh": "Cán bộ một cửa",
        "ThoiDiemXuLy": "20261208100000",
        "PhongBanXuLy": "Bộ phận Một cửa",
        "NoiDungXuLy": "Tiếp nhận hồ sơ",
        "TrangThai": 4,
        "NgayBatDau": "20261208090000",
        "NgayKetThucTheoQuyDinh": "20261208170000",
    }
    with pytest.raises(OperationRefused) as refused:
        sync_progress(entry, settings, sessions)
    assert refused.value.code == "dvcqg_-6"
    sync_dossier(RECORD, settings, sessions)
    sync_progress(entry, settings, sessions)
    assert adapter.accepted(SYNC_PROGRESS) == [entry]


def test_wrong_dstcode_is_refused_and_down_is_temporary(adapter):
    sessions = MemorySessionStore()
    wrong = portal_settings({**adapter.settings, "dstcode": "VN:GOV:KHAC"}, {})
    with pytest.raises(OperationRefused):
        sync_dossier(RECORD, wrong, sessions)
    adapter.set_down()
    with pytest.raises(OperationFailed):
        list_procedures(portal_settings(adapter.settings, {}), sessions)


def test_wrong_password_is_a_failure_to_fix_in_settings(adapter):
    settings = portal_settings({**adapter.settings, "password": "sai"}, {})
    with pytest.raises(OperationFailed, match="Sai tài khoản"):
        call_service(SYNC_DOSSIER, [RECORD], settings, MemorySessionStore())
