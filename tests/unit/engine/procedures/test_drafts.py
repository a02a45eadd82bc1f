"""Draft → publish: a validated upload changes nothing until it is published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.drafts import (
    discard_draft,
    get_draft,
    list_drafts,
    publish_draft,
    save_draft,
)
from engine.procedures.models import Procedure, ProcedureDraft, ProcedureVersion
from engine.procedures.package import load_package_dir, package_from_files
from engine.procedures.publishing import PackageRefused, publish_package
from engine.users.admin_audit import AdminAuditEntry
from tests.factories import KHAI_SINH
from tests.unit.engine.procedures.test_catalogue import other_ward_admin

SHIPPED = Path(__file__).resolve().parents[4] / "processes" / "dang_ky_khai_sinh"
WARD = "000.00.20.H25"


def new_procedure_package(code: str = "9.900001", bpmn_change=None):
    package = load_package_dir(SHIPPED)
    files = dict(package.files)
    record = json.loads(files["procedure.json"]) | {"code": code, "name": "Khai sinh lưu động"}
    files["procedure.json"] = json.dumps(record, ensure_ascii=False).encode()
    if bpmn_change:
        files["process.bpmn"] = bpmn_change(files["process.bpmn"].decode()).encode()
    return package_from_files(files)


def ward_id(session) -> int:
    return session.scalar(select(Agency.id).where(Agency.code == WARD))


def test_a_draft_changes_nothing_until_published(demo, session_factory):
    admin = demo.actor("quantri")
    with session_factory() as session, transaction(session):
        draft = save_draft(session, admin, new_procedure_package(), agency_id=ward_id(session))
        draft_id = draft.id
    with session_factory() as session:
        assert session.scalar(select(Procedure).where(Procedure.code == "9.900001")) is None
        assert [d.code for d in list_drafts(session, admin)] == ["9.900001"]
    with session_factory() as session, transaction(session):
        version = publish_draft(session, admin, draft_id)
        assert version.number == 1
        assert version.procedure.agency.code == WARD
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcedureDraft)) == 0
        entry = session.scalar(select(AdminAuditEntry).order_by(AdminAuditEntry.id.desc()))
        assert (entry.action, entry.target) == ("procedure_published", "procedure:9.900001")


def test_a_refused_package_is_not_kept(demo, session_factory):
    broken = new_procedure_package(bpmn_change=lambda t: t.replace('name="leader"', 'name="x"'))
    with session_factory() as session, pytest.raises(PackageRefused) as refused:
        save_draft(session, demo.actor("quantri"), broken, agency_id=ward_id(session))
    assert [p.element_id for p in refused.value.problems] == ["Lane_Leader"]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcedureDraft)) == 0


def test_a_new_procedure_needs_a_receiving_agency(demo, session_factory):
    with session_factory() as session, pytest.raises(InvalidInput) as error:
        save_draft(session, demo.actor("quantri"), new_procedure_package(), agency_id=None)
    assert "agency_id" in error.value.field_errors


def test_admin_of_another_ward_cannot_draft_see_or_publish_this_wards_procedure(
    demo, session_factory
):
    stranger, other_id = other_ward_admin(session_factory)
    admin = demo.actor("quantri")
    changed = load_package_dir(SHIPPED)
    changed.files["process.bpmn"] = changed.files["process.bpmn"].replace(
        "Tiếp nhận hồ sơ".encode(), "Tiếp nhận, kiểm tra hồ sơ".encode(), 1
    )
    with session_factory() as session, pytest.raises(Forbidden):
        save_draft(session, stranger, changed, agency_id=other_id)
    with session_factory() as session, pytest.raises(Forbidden):
        publish_package(session, stranger, changed)
    with session_factory() as session, transaction(session):
        draft_id = save_draft(session, admin, changed, agency_id=None).id
    with session_factory() as session:
        assert list_drafts(session, stranger) == []
        for action in (get_draft, publish_draft, discard_draft):
            with pytest.raises(NotFound):
                action(session, stranger, draft_id)
    with session_factory() as session, transaction(session):
        version = publish_draft(session, admin, draft_id)
        assert (version.procedure.code, version.number) == (KHAI_SINH, 2)
        count = session.scalar(select(func.count()).select_from(ProcedureVersion))
    assert count == 4


def test_uploading_and_discarding_a_draft_are_in_the_audit_trail(demo, session_factory):
    admin = demo.actor("quantri")
    with session_factory() as session, transaction(session):
        draft_id = save_draft(
            session, admin, new_procedure_package(), agency_id=ward_id(session)
        ).id
    with session_factory() as session, transaction(session):
        discard_draft(session, admin, draft_id)
    with session_factory() as session:
        entries = session.execute(
            select(AdminAuditEntry.action, AdminAuditEntry.target, AdminAuditEntry.actor_name)
            .where(AdminAuditEntry.target == "procedure:9.900001")
            .order_by(AdminAuditEntry.id)
        ).all()
    assert [(action, target) for action, target, _ in entries] == [
        ("procedure_draft_uploaded", "procedure:9.900001"),
        ("procedure_draft_discarded", "procedure:9.900001"),
    ]
    assert entries[0].actor_name == admin.full_name
