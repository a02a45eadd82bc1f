"""Cấp giấy phép xây dựng nhà ở riêng lẻ: the consulted agency answers in its own inbox while
the site inspection runs in parallel; silent for 12 days, it is deemed to agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE
from engine.dossiers.models import Dossier
from engine.dossiers.queries import list_events
from engine.dossiers.submission import submit_dossier
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.queries import get_procedure
from engine.tasks.models import CANCELLED, OPEN, Task
from engine.tasks.queries import list_inbox
from engine.workflow import runtime
from engine.workflow.models import Timer, WorkflowState
from engine.workflow.timers import fire_due_timers
from tests.conftest import Browser
from tests.factories import complete, freeze_clocks, open_task

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


def start_consultation(session_factory, demo) -> tuple[int, dict[str, Task]]:
    """Submit, receive and appraise: the consultation and the site inspection are open."""
    with session_factory() as session, transaction(session):
        dossier_id = submit_dossier(
            session, demo.actor("congdan"), GIAY_PHEP_XAY_DUNG, application()
        ).id
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept", "fee_receipt_number": "BL-0004321"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {
            "appraisal_note": "Phù hợp quy hoạch.",
            "proposal": "continue",
            "consulted_agency_code": PARTNER_WARD_CODE,
        },
    )
    return dossier_id, open_tasks(session_factory, dossier_id)


def inspect_site(session_factory, demo, task: Task) -> None:
    complete(
        session_factory,
        demo.actor("thuly"),
        task.id,
        {"inspection_date": "03/12/2026", "inspection_note": "Đúng hồ sơ."},
    )


def inbox(session_factory, demo, username: str) -> list[str]:
    with session_factory() as session:
        return [task.bpmn_id for task in list_inbox(session, demo.actor(username))]


def workflow_data(session_factory, dossier_id: int, bpmn_id: str) -> dict:
    """The data the open task `bpmn_id` sees."""
    with session_factory() as session:
        version = session.get(Dossier, dossier_id).procedure_version
        workflow = runtime.load_workflow(
            version.content_hash, version.spec, session.get(WorkflowState, dossier_id).state
        )
        spiff_id = session.scalar(
            select(Task.spiff_task_id).where(
                Task.dossier_id == dossier_id, Task.bpmn_id == bpmn_id, Task.state == OPEN
            )
        )
        return runtime.find_task(workflow, spiff_id).data


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
        {
            "appraisal_note": "Phù hợp quy hoạch sử dụng đất ở.",
            "proposal": "continue",
            "consulted_agency_code": PARTNER_WARD_CODE,
        },
    )
    branches = open_tasks(session_factory, dossier_id)
    assert set(branches) == {"Task_Consultation", "Task_SiteInspection"}
    assert branches["Task_Consultation"].title == "Cơ quan liên quan cho ý kiến"
    partner_officer, home_officer = demo.actor("thulycn"), demo.actor("thuly")
    with session_factory() as session:
        partner_id = session.scalar(select(Agency.id).where(Agency.code == PARTNER_WARD_CODE))
        dossier = session.get(Dossier, dossier_id)
        assert branches["Task_Consultation"].agency_id == partner_id
        assert branches["Task_SiteInspection"].agency_id == dossier.receiving_agency_id
        assert dossier.agency_id == dossier.receiving_agency_id, "the dossier stays home"
        assert dossier.status == "processing"
        assert [(link.agency_id, link.part) for link in dossier.agency_links] == [
            (partner_id, "coordination")
        ]
        partner_inbox = [task.bpmn_id for task in list_inbox(session, partner_officer)]
        home_inbox = [task.bpmn_id for task in list_inbox(session, home_officer)]
    assert partner_inbox == ["Task_Consultation"]
    assert home_inbox == ["Task_SiteInspection"]

    with pytest.raises((Forbidden, NotFound)):
        complete(
            session_factory,
            demo.actor("thuly"),
            branches["Task_Consultation"].id,
            {"reply_reference": "Số 1", "reply_outcome": "agree"},
        )
    complete(
        session_factory,
        demo.actor("thulycn"),
        branches["Task_Consultation"].id,
        {
            "reply_reference": "Văn bản số 12/UBND-QLĐT ngày 02/12/2026",
            "reply_outcome": "agree",
            "reply_summary": "Thống nhất, công trình không ảnh hưởng hạ tầng kỹ thuật.",
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
        {
            "appraisal_note": "Đủ.",
            "proposal": "continue",
            "consulted_agency_code": PARTNER_WARD_CODE,
        },
    )
    tasks = open_tasks(session_factory, dossier_id)
    complete(
        session_factory,
        demo.actor("thulycn"),
        tasks["Task_Consultation"].id,
        {"reply_reference": "Số 13", "reply_outcome": "agree_with_conditions"},
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


def test_appraisal_names_the_consulted_agency_and_an_unknown_code_is_refused(demo, session_factory):
    with session_factory() as session, transaction(session):
        dossier_id = submit_dossier(
            session, demo.actor("congdan"), GIAY_PHEP_XAY_DUNG, application()
        ).id
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept", "fee_receipt_number": "BL-2"},
    )
    appraisal = open_task(session_factory, dossier_id, "processing").id
    with pytest.raises(InvalidInput) as missing:
        complete(
            session_factory,
            demo.actor("thuly"),
            appraisal,
            {"appraisal_note": "Đủ.", "proposal": "continue"},
        )
    assert "consulted_agency_code" in missing.value.field_errors
    with pytest.raises(InvalidInput) as unknown:
        complete(
            session_factory,
            demo.actor("thuly"),
            appraisal,
            {"appraisal_note": "Đủ.", "proposal": "continue", "consulted_agency_code": "9.99"},
        )
    assert "Không tìm thấy cơ quan" in unknown.value.field_errors["consulted_agency_code"]
    assert set(open_tasks(session_factory, dossier_id)) == {"Task_Appraisal"}


def test_a_consulted_agency_silent_for_twelve_days_is_deemed_to_agree(
    app, demo, session_factory, monkeypatch
):
    dossier_id, branches = start_consultation(session_factory, demo)
    sent = datetime.now(UTC)
    with session_factory() as session:
        due = session.get(Timer, dossier_id).due_at
    assert timedelta(days=12) - timedelta(minutes=5) < due - sent < timedelta(days=12, minutes=5)
    inspect_site(session_factory, demo, branches["Task_SiteInspection"])
    assert inbox(session_factory, demo, "thuly") == []

    freeze_clocks(monkeypatch, sent + timedelta(days=11, hours=23))
    assert fire_due_timers(session_factory) == 0
    assert inbox(session_factory, demo, "thulycn") == ["Task_Consultation"]

    freeze_clocks(monkeypatch, sent + timedelta(days=12, hours=1))
    assert fire_due_timers(session_factory) == 1

    assert inbox(session_factory, demo, "thulycn") == []
    assert inbox(session_factory, demo, "thuly") == ["Task_Proposal"]
    with session_factory() as session:
        assert session.get(Task, branches["Task_Consultation"].id).state == CANCELLED
        assert session.get(Timer, dossier_id) is None
        dossier = session.get(Dossier, dossier_id)
        assert dossier.status == "processing"
        last = list_events(session, dossier)[-1]
        assert (last.action, last.task_title) == (
            "timer_fired",
            "Quá 12 ngày không trả lời: coi như đồng ý",
        )
    data = workflow_data(session_factory, dossier_id, "Task_Proposal")
    assert data["consultation_outcome"] == "deemed_agreed"

    citizen = Browser(app.test_client())
    citizen.login("congdan")
    page = citizen.client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    history = page.split('id="history"')[1].split("</ol>")[0]
    assert "Hệ thống xử lý theo thời hạn: “Quá 12 ngày không trả lời: coi như đồng ý”." in history


def test_a_reply_in_time_is_kept_and_no_deemed_agreement_follows(
    demo, session_factory, monkeypatch
):
    dossier_id, branches = start_consultation(session_factory, demo)
    complete(
        session_factory,
        demo.actor("thulycn"),
        branches["Task_Consultation"].id,
        {"reply_reference": "Văn bản số 20/UBND", "reply_outcome": "disagree"},
    )
    with session_factory() as session:
        assert session.get(Timer, dossier_id) is None

    freeze_clocks(monkeypatch, datetime.now(UTC) + timedelta(days=13))
    assert fire_due_timers(session_factory) == 0
    inspect_site(session_factory, demo, branches["Task_SiteInspection"])

    assert inbox(session_factory, demo, "thuly") == ["Task_Proposal"]
    data = workflow_data(session_factory, dossier_id, "Task_Proposal")
    assert data["reply_outcome"] == "disagree" and "consultation_outcome" not in data
    with session_factory() as session:
        actions = [e.action for e in list_events(session, session.get(Dossier, dossier_id))]
    assert "timer_fired" not in actions
