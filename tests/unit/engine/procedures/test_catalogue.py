"""Declaring, editing and retiring procedures; the national record shape round-trips."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.catalogue import create_procedure, retire_procedure, update_procedure
from engine.procedures.models import Procedure
from engine.procedures.national_format import export_catalogue, import_catalogue
from engine.users.actor import load_actor
from engine.users.admin_audit import AdminAuditEntry
from engine.users.models import RoleAssignment, User
from tests.factories import birth_application, submit


def new_record(**overrides) -> dict:
    record = {
        "code": "2.000001",
        "name": "Chứng thực bản sao từ bản chính",
        "field": "Chứng thực",
        "level": "commune",
        "deadline_working_days": 1,
        "channels": ["in_person", "online"],
        "online_service_level": "mot_phan",
        "fees": [{"name": "Phí chứng thực bản sao", "amount": 2000, "note": "Mỗi trang"}],
        "documents": [{"code": "ban_chinh", "name": "Bản chính giấy tờ", "original": True}],
        "steps": [{"order": 1, "role": "reception", "name": "Tiếp nhận", "description": ""}],
        "valid_from": "2025-07-01",
    }
    record.update(overrides)
    return record


def other_ward_admin(session_factory):
    with session_factory() as session, transaction(session):
        province = session.scalar(select(Agency).where(Agency.parent_id.is_(None)))
        other = Agency(code="000.00.21.H25", name="UBND phường Hiệp Thành", level="commune")
        other.parent_id = province.id
        session.add(other)
        session.flush()
        admin = User(username="quantri_ht", full_name="Quản trị Hiệp Thành", kind="officer")
        admin.roles = [RoleAssignment(role="admin", agency_id=other.id)]
        session.add(admin)
        session.flush()
        return load_actor(session, admin.id), other.id


def test_create_edit_retire_are_audited(demo, session_factory):
    admin = demo.actor("quantri")
    with session_factory() as session, transaction(session):
        ward = session.scalar(select(Agency).where(Agency.code == "000.00.20.H25"))
        create_procedure(session, admin, new_record(), agency_id=ward.id)
    with session_factory() as session, transaction(session):
        update_procedure(session, admin, "2.000001", new_record(deadline_working_days=2))
    with session_factory() as session, transaction(session):
        retire_procedure(session, admin, "2.000001", valid_to=date(2026, 12, 31), reason="Bãi bỏ")
    with session_factory() as session:
        procedure = session.scalar(select(Procedure).where(Procedure.code == "2.000001"))
        assert procedure.deadline_working_days == 2 and not procedure.is_active
        assert procedure.record["valid_to"] == "2026-12-31"
        entries = session.scalars(select(AdminAuditEntry).order_by(AdminAuditEntry.id)).all()
        assert [(e.action, e.actor_name) for e in entries] == [
            ("procedure_created", "Hoàng Văn Em"),
            ("procedure_updated", "Hoàng Văn Em"),
            ("procedure_retired", "Hoàng Văn Em"),
        ]
        assert entries[1].details == {"fields": ["deadline_working_days"]}


def test_bad_record_names_each_field(demo, session_factory):
    record = new_record(code="", channels=[], fees=[{"name": "", "amount": -1}])
    admin = demo.actor("quantri")
    with pytest.raises(InvalidInput) as refused, session_factory() as session:
        ward = session.scalar(select(Agency.id).where(Agency.code == "000.00.20.H25"))
        create_procedure(session, admin, record, agency_id=ward)
    errors = refused.value.field_errors
    assert set(errors) >= {"code", "channels", "fees.0.name", "fees.0.amount"}
    assert errors["code"] == "Vui lòng nhập mã thủ tục (ví dụ 1.001612)."


def test_admin_of_another_ward_cannot_touch_this_wards_procedures(demo, session_factory):
    stranger, _ = other_ward_admin(session_factory)
    with pytest.raises(Forbidden), session_factory() as session:
        update_procedure(session, stranger, "1.001193", new_record(code="1.001193"))
    with pytest.raises(Forbidden), session_factory() as session:
        retire_procedure(session, stranger, "1.001193", valid_to=date(2026, 12, 31))
    with pytest.raises(NotFound), session_factory() as session:
        retire_procedure(session, stranger, "9.999999", valid_to=date(2026, 12, 31))


def test_retired_procedure_takes_no_new_dossiers(demo, session_factory):
    with session_factory() as session, transaction(session):
        retire_procedure(session, demo.actor("quantri"), "1.001193", valid_to=date(2026, 1, 1))
    with pytest.raises(NotFound):
        submit(session_factory, demo.actor("congdan"), birth_application())


def test_export_import_export_is_the_same(demo, session_factory):
    with session_factory() as session:
        exported = export_catalogue(session)
    assert {item["MATTHC"] for item in exported} >= {"1.001193", "1.001612", "1.009994"}
    birth = next(item for item in exported if item["MATTHC"] == "1.001193")
    assert birth["CACHTHUCTHUCHIEN"][1]["KENH"] == 2
    assert birth["CACHTHUCTHUCHIEN"][1]["THOIGIAN"][0]["THOIGIANGIAIQUYET"] == 1
    assert birth["THANHPHANHOSO"][0]["GIAYTO"][0]["SOBANCHINH"] == 1
    assert birth["COQUANTHUCHIEN"][0]["MADONVI"] == "000.00.20.H25"

    with session_factory() as session, transaction(session):
        for procedure in session.scalars(select(Procedure)):
            procedure.code = "x" + procedure.code
            procedure.record = {}
        for procedure in session.scalars(select(Procedure)):
            procedure.code = procedure.code[1:] + "-old"
    with session_factory() as session, transaction(session):
        report = import_catalogue(session, demo.actor("quantri"), copy.deepcopy(exported))
    assert {line.outcome for line in report.lines} == {"created"}
    with session_factory() as session:
        again = [item for item in export_catalogue(session) if not item["MATTHC"].endswith("-old")]
    assert sorted(again, key=lambda i: i["MATTHC"]) == sorted(exported, key=lambda i: i["MATTHC"])

    with session_factory() as session, transaction(session):
        report = import_catalogue(session, demo.actor("quantri"), copy.deepcopy(exported))
    assert report.count("unchanged") == len(exported)


def test_import_reports_each_record(demo, session_factory):
    with session_factory() as session:
        exported = export_catalogue(session)
    birth = next(item for item in exported if item["MATTHC"] == "1.001193")
    changed = copy.deepcopy(birth)
    changed["TENTTHC"] = "Đăng ký khai sinh (sửa)"
    fresh = copy.deepcopy(birth) | {"MATTHC": "2.000002"}
    no_name = copy.deepcopy(birth) | {"MATTHC": "2.000003", "TENTTHC": ""}
    bad_channel = copy.deepcopy(birth) | {"MATTHC": "2.000004"}
    bad_channel["CACHTHUCTHUCHIEN"] = [{"KENH": 9, "THOIGIAN": []}]
    progress = []
    with session_factory() as session, transaction(session):
        report = import_catalogue(
            session,
            demo.actor("quantri"),
            [changed, fresh, no_name, bad_channel, "not a record"],
            progress=progress.append,
        )
    assert [(line.code, line.outcome) for line in report.lines] == [
        ("1.001193", "updated"),
        ("2.000002", "created"),
        ("2.000003", "refused"),
        ("2.000004", "refused"),
        ("", "refused"),
    ]
    assert report.lines[2].reasons == ["name: Vui lòng nhập tên thủ tục."]
    assert "KENH 9" in report.lines[3].reasons[0]
    assert progress == [1, 2, 3, 4, 5]
    with session_factory() as session:
        assert session.scalar(select(Procedure.name).where(Procedure.code == "1.001193")) == (
            "Đăng ký khai sinh (sửa)"
        )
        assert session.scalar(select(Procedure.id).where(Procedure.code == "2.000003")) is None


def test_import_refuses_records_of_another_agency(demo, session_factory):
    stranger, _ = other_ward_admin(session_factory)
    with session_factory() as session:
        exported = export_catalogue(session)
    birth = next(item for item in exported if item["MATTHC"] == "1.001193")
    birth["TENTTHC"] = "Sửa trái phép"
    with session_factory() as session, transaction(session):
        report = import_catalogue(session, stranger, [birth])
    assert report.lines[0].outcome == "refused"
    assert report.lines[0].reasons == ["Bạn không có quyền quản trị đơn vị này."]
