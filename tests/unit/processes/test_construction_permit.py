"""Cấp giấy phép xây dựng nhà ở riêng lẻ: consultation and site inspection run in parallel."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.submission import submit_dossier
from engine.procedures.queries import get_procedure
from engine.tasks.models import OPEN, Task
from tests.factories import complete, open_task

GIAY_PHEP_XAY_DUNG = "1.009994"


def application() -> dict:
    return {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_id_number": "074090001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 đường Yersin, phường Phú Cường",
        "site_address": "Thửa đất tại khu phố 3, phường Phú Cường",
        "land_parcel": "Thửa 215, tờ bản đồ 12",
        "land_certificate_number": "CS 123456",
        "building_floor_area_m2": 80.5,
        "total_floor_area_m2": 241.5,
        "floors": 3,
        "building_height_m": 11.8,
        "commitment": True,
    }


def open_tasks(session_factory, dossier_id: int) -> dict[str, Task]:
    with session_factory() as session:
        rows = session.scalars(
            select(Task).where(Task.dossier_id == dossier_id, Task.state == OPEN)
        )
        return {task.bpmn_id: task for task in rows}


def test_record_carries_the_fee_and_fifteen_days(demo, session):
    procedure = get_procedure(session, GIAY_PHEP_XAY_DUNG)
    assert procedure.deadline_working_days == 15
    assert procedure.record["fees"][0]["amount"] == 75000
    assert procedure.record["online_service_level"] == "mot_phan"


def test_permit_waits_for_both_consultation_and_site_inspection(demo, session_factory):
    with session_factory() as session, transaction(session):
        dossier_id = submit_dossier(
            session, demo.actor("congdan"), GIAY_PHEP_XAY_DUNG, application()
        ).id
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept", "fee_receipt_number": "BL-0009876"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"appraisal_note": "Phù hợp quy hoạch sử dụng đất ở.", "proposal": "continue"},
    )
    branches = open_tasks(session_factory, dossier_id)
    assert set(branches) == {"Task_Consultation", "Task_SiteInspection"}
    assert branches["Task_Consultation"].title == "Lấy ý kiến cơ quan liên quan"

    complete(
        session_factory,
        demo.actor("thuly"),
        branches["Task_Consultation"].id,
        {
            "consulted_agencies": "Công an phường (phòng cháy, chữa cháy)",
            "request_reference": "Văn bản số 12/UBND-KT ngày 02/12/2026",
            "reply_outcome": "agree",
        },
    )
    assert set(open_tasks(session_factory, dossier_id)) == {"Task_SiteInspection"}

    complete(
        session_factory,
        demo.actor("thuly"),
        branches["Task_SiteInspection"].id,
        {
            "inspection_date": "03/12/2026",
            "site_matches_documents": True,
            "inspection_note": "Hiện trạng đất trống, ranh giới đúng hồ sơ.",
        },
    )
    proposal = open_tasks(session_factory, dossier_id)["Task_Proposal"]
    complete(
        session_factory,
        demo.actor("thuly"),
        proposal.id,
        {"verification_note": "Đủ điều kiện cấp phép.", "proposal": "propose_approve"},
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"return_channel": "post", "returned_to": "Nguyễn Văn An"},
    )
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert (dossier.status, dossier.national_status) == ("returned", 10)
        assert dossier.due_at is not None and dossier.timing == "early"


def test_leader_sends_the_proposal_back(demo, session_factory):
    with session_factory() as session, transaction(session):
        dossier_id = submit_dossier(
            session, demo.actor("congdan"), GIAY_PHEP_XAY_DUNG, application()
        ).id
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept", "fee_receipt_number": "BL-1"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"appraisal_note": "Đủ.", "proposal": "continue"},
    )
    tasks = open_tasks(session_factory, dossier_id)
    complete(
        session_factory,
        demo.actor("thuly"),
        tasks["Task_Consultation"].id,
        {
            "consulted_agencies": "Điện lực",
            "request_reference": "Số 13",
            "reply_outcome": "no_reply",
        },
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        tasks["Task_SiteInspection"].id,
        {"inspection_date": "03/12/2026", "inspection_note": "Đúng hồ sơ."},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_tasks(session_factory, dossier_id)["Task_Proposal"].id,
        {"verification_note": "Đủ điều kiện.", "proposal": "propose_approve"},
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "not_approve", "approval_reason": "Bổ sung ý kiến điện lực."},
    )
    assert set(open_tasks(session_factory, dossier_id)) == {"Task_Proposal"}
