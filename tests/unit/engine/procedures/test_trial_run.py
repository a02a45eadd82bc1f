"""A trial run walks a package's workflow in memory with sample data and reports the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InvalidInput
from engine.procedures.sample_data import sample_from_form
from engine.procedures.trial_run import parse_sample, preview_diagram, trial_run

PROCESSES = Path(__file__).resolve().parents[4] / "processes"
SHIPPED = ["dang_ky_khai_sinh", "dang_ky_thanh_lap_ho_kinh_doanh", "cap_giay_phep_xay_dung_nha_o"]


def package_files(name: str) -> dict[str, str]:
    root = PROCESSES / name
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in root.rglob("*")
        if path.is_file() and path.suffix in (".json", ".bpmn", ".dmn")
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_procedure_reaches_its_end_with_sample_data(name):
    run = trial_run(package_files(name))
    path = [step.element_id for step in run.steps]
    assert run.finished, run.outcome
    assert run.outcome == "Quy trình đi đến sự kiện kết thúc."
    assert run.end_status == "returned"
    assert path[0] == "StartEvent_Submitted" and path[-1] == "EndEvent_Returned"
    assert {"Task_Reception", "Task_Approval", "Task_ReturnResult"} <= set(path)
    assert run.states["EndEvent_Returned"] == "completed"
    assert "EndEvent_Refused" not in run.states


def test_gateway_follows_the_sample_data_given_for_a_task():
    run = trial_run(
        package_files("dang_ky_khai_sinh"),
        {"Task_Reception": {"decision": "refuse", "reason": "Không thuộc thẩm quyền."}},
    )
    path = [step.element_id for step in run.steps]
    assert run.finished
    assert path[-2:] == ["Gateway_ReceptionDecision", "EndEvent_Refused"]
    assert "Task_Processing" not in path
    reception = next(step for step in run.steps if step.element_id == "Task_Reception")
    assert reception.data["decision"] == "refuse" and reception.note == "mẫu"


def test_service_tasks_get_a_stub_result_and_nothing_is_sent():
    run = trial_run(package_files("dang_ky_khai_sinh"))
    notify = next(step for step in run.steps if step.element_id == "Task_NotifyReceived")
    assert notify.note == "giả lập"
    assert notify.data["operation"] == "notify/applicant"
    assert notify.kind_label == "Gọi kết nối"


def test_a_loop_stops_at_the_step_limit():
    run = trial_run(
        package_files("dang_ky_khai_sinh"),
        {"Task_Approval": {"approval_decision": "not_approve", "approval_reason": "Chưa đủ."}},
        max_steps=12,
    )
    assert not run.finished
    assert "Dừng sau 12 bước" in run.outcome
    assert [s.element_id for s in run.steps].count("Task_Approval") >= 2


def test_a_script_error_stops_the_run_and_names_the_element():
    files = package_files("dang_ky_khai_sinh")
    files["process.bpmn"] = files["process.bpmn"].replace(
        'approval_decision == "approve"', "approval_decision == undefined_name", 1
    )
    run = trial_run(files)
    assert not run.finished
    assert run.outcome.startswith("Dừng vì lỗi tại")
    assert "Gateway_ApprovalDecision" in run.outcome or "Flow_Approved" in run.outcome


def test_sample_values_come_from_defaults_examples_and_first_choices():
    form = {
        "schema": {
            "type": "object",
            "properties": {
                "decision": {"type": "string", "oneOf": [{"const": "accept"}, {"const": "x"}]},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "count": {"type": "integer", "minimum": 3},
                "note": {"type": "string", "default": "Mặc định"},
                "phone": {"type": "string", "format": "phone-vn"},
                "city": {"type": "string", "examples": ["Thủ Dầu Một"]},
                "short": {"type": "string", "maxLength": 3},
                "members": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
                },
            },
        }
    }
    assert sample_from_form(form) == {
        "decision": "accept",
        "kind": "a",
        "count": 3,
        "note": "Mặc định",
        "phone": "0912345678",
        "city": "Thủ Dầu Một",
        "short": "Dữ ",
        "members": [{"ok": True}],
    }


def test_pasted_sample_must_be_an_object_of_objects():
    assert parse_sample("  ") == {}
    assert parse_sample('{"Task_A": {"x": 1}}') == {"Task_A": {"x": 1}}
    with pytest.raises(InvalidInput, match="không phải JSON hợp lệ"):
        parse_sample("{Task_A: 1}")
    with pytest.raises(InvalidInput, match="mã phần tử"):
        parse_sample('{"Task_A": 1}')


def test_preview_diagram_marks_the_path_or_is_none_without_coordinates():
    files = package_files("dang_ky_khai_sinh")
    run = trial_run(files)
    svg = preview_diagram(files, run.states)
    assert 'data-bpmn-id="Task_Approval"' in svg and "is-completed" in svg
    files["process.bpmn"] = files["process.bpmn"].split("<bpmndi:BPMNDiagram")[0] + (
        "</bpmn:definitions>"
    )
    assert preview_diagram(files) is None


def test_a_liaison_task_names_the_agency_it_would_go_to():
    run = trial_run(
        package_files("cap_giay_phep_xay_dung_nha_o"),
        {"Task_Appraisal": {"consulted_agency_code": "000.00.25.H25"}},
    )
    consultation = next(step for step in run.steps if step.element_id == "Task_Consultation")
    assert consultation.agency_code == "000.00.25.H25"
    assert all(step.agency_code == "" for step in run.steps if step is not consultation)
