"""The national public-service portal as two connector operations, both queued by
engine/national_portal/sync.py with one ordering key per dossier, so the outbox performs a
dossier's updates one at a time, in order, and retries each until the portal accepts it:
`national_portal/sync-dossier` (DongBoHoSoMC) and `national_portal/sync-progress`
(CapNhatTienDoHoSoMC). The payload is the exact record the portal receives.

The session token must be shared by every worker, so `perform` asks a store made by the factory
the worker installs (engine/connector_tokens/store.py), as Zalo's operations do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from connectors.contract import Operation, OperationFailed
from connectors.national_portal.client import (
    SETTINGS_PROVIDER,
    portal_settings,
    sync_dossier,
    sync_progress,
)
from connectors.national_portal.sessions import SessionStore
from connectors.registry import register

SYNC_DOSSIER_OPERATION = "national_portal/sync-dossier"
SYNC_PROGRESS_OPERATION = "national_portal/sync-progress"

_session_store_factory: Callable[[], SessionStore] | None = None


def set_session_store_factory(factory: Callable[[], SessionStore] | None) -> None:
    """Where the operations keep the adapter's session; set once by the worker (None: unset)."""
    global _session_store_factory
    _session_store_factory = factory


def session_store() -> SessionStore:
    if _session_store_factory is None:
        raise OperationFailed(
            "Cổng DVCQG: chưa cấu hình nơi lưu phiên (set_session_store_factory)."
        )
    return _session_store_factory()


def perform_sync_dossier(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """DongBoHoSoMC is an upsert by MaHoSo: a repeat after a lost answer changes nothing."""
    return sync_dossier(payload, portal_settings(stored), session_store())


def perform_sync_progress(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """A repeated step is the same entry (same MaHoSo and ThoiDiemXuLy), kept once."""
    return sync_progress(payload, portal_settings(stored), session_store())


register(
    Operation(
        name=SYNC_DOSSIER_OPERATION,
        label="Đồng bộ hồ sơ lên Cổng DVC quốc gia (DongBoHoSoMC)",
        waits_for_result=False,
        perform=perform_sync_dossier,
        settings_provider=SETTINGS_PROVIDER,
    )
)
register(
    Operation(
        name=SYNC_PROGRESS_OPERATION,
        label="Cập nhật tiến độ xử lý lên Cổng DVC quốc gia (CapNhatTienDoHoSoMC)",
        waits_for_result=False,
        perform=perform_sync_progress,
        settings_provider=SETTINGS_PROVIDER,
    )
)
