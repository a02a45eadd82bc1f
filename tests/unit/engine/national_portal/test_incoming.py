"""Dossiers submitted on the national portal, fetched from the sandbox adapter over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from connectors.national_portal.client import SYNC_DOSSIER
from engine.dossiers.models import CHANNEL_ONLINE, Dossier, DossierEvent
from engine.national_portal.incoming import fetch_portal_dossiers
from engine.national_portal.models import PortalDossier
from tests.factories import KHAI_SINH, birth_application, open_task
from tests.national_portal import run_worker

PORTAL_CODE = "G22.99-261208-000123"


def _portal_dossier(**overrides) -> dict:
    record = {
        "MaHoSo": PORTAL_CODE,
        "MaTTHC": KHAI_SINH,
        "ChuHoSo": "Nguyễn Văn An",
        "SoDinhDanh": "074090001234",
        "SoDienThoai": "0912345678",
        "Email": "an@example.vn",
        "NgayNopHoSo": "20261208093000",
        "DuLieuToKhai": birth_application(),
    }
    record.update(overrides)
    return record


def test_enters_the_online_workflow_once_even_if_fetched_twice(adapter, demo, session_factory):
    adapter.submit_on_portal(_portal_dossier())
    assert fetch_portal_dossiers(session_factory) == 1
    assert fetch_portal_dossiers(session_factory) == 0

    with session_factory() as session:
        [dossier] = session.scalars(select(Dossier)).all()
        assert (dossier.channel, dossier.status) == (CHANNEL_ONLINE, "submitted")
        assert (dossier.applicant_name, dossier.applicant_id_number) == (
            "Nguyễn Văn An",
            "074090001234",
        )
        assert dossier.form_data["child_full_name"] == "Nguyễn Thị Ánh Dương"
        [event] = session.scalars(select(DossierEvent)).all()
        assert event.actor_name == "Cổng Dịch vụ công quốc gia"
        assert PORTAL_CODE in event.note
        dossier_id = dossier.id
    # the same reception task as a dossier submitted online here
    assert open_task(session_factory, dossier_id).role == "reception"

    # its status goes back to the portal under the portal's own code
    run_worker(session_factory)
    [synced] = adapter.accepted(SYNC_DOSSIER)
    assert (synced["MaHoSo"], synced["TrangThaiHoSo"], synced["KenhThucHien"]) == (
        PORTAL_CODE,
        1,
        2,
    )


def test_a_record_that_cannot_enter_is_kept_with_its_reason(adapter, demo, session_factory):
    adapter.submit_on_portal(_portal_dossier(MaHoSo="G22.99-1", MaTTHC="9.999999"))
    adapter.submit_on_portal(
        _portal_dossier(MaHoSo="G22.99-2", DuLieuToKhai={"applicant_full_name": "An"})
    )
    assert fetch_portal_dossiers(session_factory) == 0
    assert fetch_portal_dossiers(session_factory) == 0
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 0
        problems = dict(
            session.execute(select(PortalDossier.portal_code, PortalDossier.problem)).all()
        )
    assert "9.999999" in problems["G22.99-1"]
    assert problems["G22.99-2"]


def test_nothing_is_fetched_while_sync_is_off(adapter, demo, session_factory, monkeypatch):
    monkeypatch.setenv("MOTCUA_NATIONAL_PORTAL_SYNC", "0")
    adapter.submit_on_portal(_portal_dossier())
    assert fetch_portal_dossiers(session_factory) == 0
    assert adapter.calls() == []
