"""Counter reception: components and scans recorded, the reception step taken at the counter
when the officer says "Tiếp nhận", every problem reported at once."""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.db import transaction
from engine.dossiers.counter import (
    ReceivedComponent,
    Scan,
    list_components,
    list_counter_procedures,
    receive_at_counter,
    reception_agency_ids,
)
from engine.dossiers.models import CHANNEL_COUNTER, Dossier, DossierEvent
from engine.errors import Forbidden, InvalidInput
from engine.files.models import StoredFile
from engine.files.storage import FolderStorage
from engine.tasks.models import COMPLETED, OPEN, Task
from tests.factories import KHAI_SINH, birth_application

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REQUIRED = ("to_khai", "giay_chung_sinh", "giay_to_tuy_than")


@pytest.fixture
def storage(tmp_path):
    return FolderStorage(tmp_path / "files")


def all_required(**scans) -> list[ReceivedComponent]:
    return [
        ReceivedComponent(
            code, original=code != "giay_to_tuy_than", count=1, scans=scans.get(code, ())
        )
        for code in REQUIRED
    ]


def receive(session_factory, actor, storage, components, *, accept=True, data=None):
    officer_agency = (
        sorted(actor.agencies_for("reception"))[0] if actor.agencies_for("reception") else 1
    )
    with session_factory() as session, transaction(session):
        dossier = receive_at_counter(
            session,
            actor,
            storage,
            KHAI_SINH,
            data or birth_application(),
            components,
            agency_id=officer_agency,
            accept=accept,
        )
        return dossier.id


def test_accepting_at_the_counter_receives_the_dossier_and_starts_the_clock(
    demo, session_factory, storage
):
    officer = demo.actor("motcua")
    scans = {"giay_chung_sinh": (Scan("chung-sinh.pdf", PDF),)}
    dossier_id = receive(session_factory, officer, storage, all_required(**scans))

    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.channel == CHANNEL_COUNTER
        assert dossier.applicant_name == "Nguyễn Văn An"
        assert dossier.applicant_user_id is None
        assert dossier.status == "processing" and dossier.national_status == 4
        assert dossier.received_at is not None and dossier.due_at is not None
        tasks = session.query(Task).filter_by(dossier_id=dossier_id).order_by(Task.id).all()
        assert [(t.role, t.state) for t in tasks] == [
            ("reception", COMPLETED),
            ("processing", OPEN),
        ]
        assert tasks[0].completed_by_id == officer.user_id
        events = (
            session.query(DossierEvent).filter_by(dossier_id=dossier_id).order_by(DossierEvent.id)
        )
        assert [(e.action, e.actor_name, e.to_status) for e in events] == [
            ("submitted", "Trần Thị Bình", "submitted"),
            ("task_completed", "Trần Thị Bình", "processing"),
        ]
        components = {c.document_code: c for c in list_components(session, dossier)}
        assert set(components) == set(REQUIRED)
        assert components["giay_to_tuy_than"].original is False
        assert components["to_khai"].required is True
        scan = session.get(StoredFile, components["giay_chung_sinh"].file_ids[0])
        assert scan.dossier_id == dossier_id and scan.original_name == "chung-sinh.pdf"
        assert storage.get(scan.storage_key) == PDF


def test_registering_only_leaves_the_reception_task_open(demo, session_factory, storage):
    dossier_id = receive(
        session_factory, demo.actor("motcua"), storage, all_required()[:1], accept=False
    )
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.status == "submitted" and dossier.received_at is None
        open_tasks = session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).all()
        assert [t.role for t in open_tasks] == ["reception"]
        assert len(list_components(session, dossier)) == 1


def test_every_problem_comes_back_at_once_and_nothing_is_kept(demo, session_factory, storage):
    components = [
        ReceivedComponent("to_khai", count=0),
        ReceivedComponent("giay_chung_sinh", scans=(Scan("anh.pdf", b"MZ\x90\x00 not a pdf"),)),
    ]
    data = birth_application(applicant_phone="12")
    with pytest.raises(InvalidInput) as raised:
        receive(session_factory, demo.actor("motcua"), storage, components, data=data)
    errors = raised.value.field_errors
    assert "applicant_phone" in errors
    assert "component-to_khai-count" in errors
    assert "anh.pdf" in errors["component-giay_chung_sinh-scan"]
    assert "Giấy tờ tùy thân" in errors["component-giay_to_tuy_than"]
    with session_factory() as session:
        assert session.query(Dossier).count() == 0
        assert session.query(StoredFile).count() == 0


def test_a_scan_that_hides_a_zip_archive_is_refused_with_the_others(demo, session_factory, storage):
    hidden = io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as archive:
        archive.writestr("setup.exe", b"MZ\x90\x00")
    scan = Scan("chung-sinh.pdf", PDF + hidden.getvalue())
    components = [ReceivedComponent("giay_chung_sinh", scans=(scan,))]
    with pytest.raises(InvalidInput) as raised:
        receive(session_factory, demo.actor("motcua"), storage, components)
    assert "tệp nén (ZIP)" in raised.value.field_errors["component-giay_chung_sinh-scan"]
    with session_factory() as session:
        assert session.query(StoredFile).count() == 0


def test_missing_required_paper_may_still_be_registered_for_a_supplement(
    demo, session_factory, storage
):
    receive(session_factory, demo.actor("motcua"), storage, [], accept=False)
    with session_factory() as session:
        assert session.query(Dossier).one().status == "submitted"


@pytest.mark.parametrize("username", ["thuly", "congdan"])
def test_only_a_one_stop_officer_receives_at_the_counter(demo, session_factory, storage, username):
    with pytest.raises(Forbidden):
        receive(session_factory, demo.actor(username), storage, all_required())


def test_without_an_agency_the_officers_own_counter_receives(demo, session_factory, storage):
    officer, processing = demo.actor("motcua"), demo.actor("thuly")
    with session_factory() as session, transaction(session):
        dossier = receive_at_counter(
            session,
            officer,
            storage,
            KHAI_SINH,
            birth_application(),
            all_required(),
            agency_id=None,
            accept=True,
        )
        assert dossier.receiving_agency_id == reception_agency_ids(officer)[0]
    with session_factory() as session:
        names = {procedure.code for procedure in list_counter_procedures(session, officer)}
        assert KHAI_SINH in names
        with pytest.raises(Forbidden):
            list_counter_procedures(session, processing)
