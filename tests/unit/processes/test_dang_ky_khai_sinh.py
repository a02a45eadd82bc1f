"""The birth-registration package: its BPMN runs every one-stop path, its diagram and forms load."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

import processes

PACKAGE = Path(processes.__file__).parent / "dang_ky_khai_sinh"
PROCESS_ID = "Process_DangKyKhaiSinh"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODE_TAGS = (
    "startEvent",
    "endEvent",
    "userTask",
    "serviceTask",
    "exclusiveGateway",
    "boundaryEvent",
)


class RecordingScriptEngine(PythonScriptEngine):
    """Plain Python conditions; service calls are recorded instead of reaching a connector."""

    def __init__(self) -> None:
        super().__init__()
        self.service_calls: list[tuple[str, dict]] = []

    def call_service(self, task, operation_name, operation_params, **kwargs) -> str:
        params = {name: param["value"] for name, param in operation_params.items()}
        self.service_calls.append((operation_name, params))
        return '"ok"'


@pytest.fixture
def engine() -> RecordingScriptEngine:
    return RecordingScriptEngine()


@pytest.fixture
def workflow(engine: RecordingScriptEngine) -> BpmnWorkflow:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(PACKAGE / "process.bpmn"))
    started = BpmnWorkflow(
        parser.get_spec(PROCESS_ID),
        parser.get_subprocess_specs(PROCESS_ID),
        script_engine=engine,
    )
    started.do_engine_steps()
    return started


def ready_task(workflow: BpmnWorkflow):
    """The one task waiting for a person; this procedure never has two open at once."""
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert len(ready) == 1, [t.task_spec.bpmn_id for t in ready]
    return ready[0]


def dossier_status(task) -> str | None:
    return task.task_spec.extensions.get("properties", {}).get("dossierStatus")


def complete(workflow: BpmnWorkflow, expected: tuple[str, str, str], data: dict) -> None:
    """Check the open task is (bpmn id, lane, dossier status), then submit data as its form."""
    task = ready_task(workflow)
    assert (task.task_spec.bpmn_id, task.task_spec.lane, dossier_status(task)) == expected
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def reached_end(workflow: BpmnWorkflow) -> list[str]:
    ends = workflow.get_tasks(state=TaskState.COMPLETED)
    return [t.task_spec.bpmn_id for t in ends if t.task_spec.bpmn_id in END_EVENTS]


RECEPTION = ("Task_Reception", "reception", "submitted")
SUPPLEMENT = ("Task_Supplement", "applicant", "supplement_requested")
PROCESSING = ("Task_Processing", "processing", "processing")
PROCESSING_SUPPLEMENT = ("Task_ProcessingSupplement", "applicant", "supplement_requested")
APPROVAL = ("Task_Approval", "leader", "awaiting_approval")
RETURN = ("Task_ReturnResult", "reception", "result_ready")
PARTNER = ("Task_PartnerProcessing", "processing", "transferred")
END_EVENTS = {
    "EndEvent_Refused",
    "EndEvent_Returned",
    "EndEvent_ReminderSent",
    "EndEvent_Stopped",
}
RECEIVED_NOTICE = ("notify/applicant", {"template": "received"})
OVERDUE_NOTICE = ("notify/leader", {"template": "processing_overdue"})


def test_refused_dossier_ends_without_notice(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "refuse", "reason": "Không thuộc thẩm quyền"})

    assert workflow.is_completed()
    assert reached_end(workflow) == ["EndEvent_Refused"]
    end = workflow.get_next_task(spec_name="EndEvent_Refused")
    assert dossier_status(end) == "refused"
    assert engine.service_calls == []


def test_supplement_loop_then_accept_then_rework_then_return(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "supplement", "missing_documents": "Giấy tờ"})
    complete(workflow, SUPPLEMENT, {"supplement_note": "Đã nộp bản chính giấy chứng sinh"})
    assert engine.service_calls == []
    complete(workflow, RECEPTION, {"decision": "accept"})
    assert engine.service_calls == [RECEIVED_NOTICE]
    complete(workflow, PROCESSING, {"verification_note": "Đủ", "proposal": "propose_approve"})
    complete(workflow, APPROVAL, {"approval_decision": "not_approve", "approval_reason": "Sai tên"})
    complete(workflow, PROCESSING, {"verification_note": "Đã sửa", "proposal": "propose_approve"})
    complete(workflow, APPROVAL, {"approval_decision": "approve"})
    complete(workflow, RETURN, {"return_channel": "counter", "returned_to": "Nguyễn Văn An"})

    assert workflow.is_completed()
    assert reached_end(workflow) == ["EndEvent_Returned"]
    end = workflow.get_next_task(spec_name="EndEvent_Returned")
    assert dossier_status(end) == "returned"
    assert end.data["notified"] == "ok"
    assert engine.service_calls == [RECEIVED_NOTICE]


def test_processing_past_one_day_reminds_leader_and_keeps_the_task_open(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    timer = workflow.get_next_task(spec_name="Timer_ProcessingReminder", state=TaskState.WAITING)
    workflow.refresh_timers()
    due = datetime.fromisoformat(timer._get_internal_data("event_value"))
    assert timedelta(hours=23) < due - datetime.now(UTC) <= timedelta(days=1)

    timer._set_internal_data(event_value=(datetime.now(UTC) - timedelta(seconds=1)).isoformat())
    workflow.refresh_timers()
    workflow.do_engine_steps()

    assert engine.service_calls == [RECEIVED_NOTICE, OVERDUE_NOTICE]
    assert reached_end(workflow) == ["EndEvent_ReminderSent"]
    assert not workflow.is_completed()
    complete(workflow, PROCESSING, {"verification_note": "Đủ", "proposal": "propose_approve"})
    complete(workflow, APPROVAL, {"approval_decision": "approve"})
    complete(workflow, RETURN, {"return_channel": "post", "returned_to": "Trần Thị Bình"})
    assert workflow.is_completed()
    assert sorted(reached_end(workflow)) == ["EndEvent_ReminderSent", "EndEvent_Returned"]


def test_processing_done_in_time_leaves_no_timer_waiting(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    assert [e.event_type for e in workflow.waiting_events()] == ["DurationTimerEventDefinition"]
    complete(workflow, PROCESSING, {"verification_note": "Đủ", "proposal": "propose_approve"})

    assert workflow.waiting_events() == []
    assert engine.service_calls == [RECEIVED_NOTICE]


def test_processing_supplement_waits_for_applicant_then_processing_resumes(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    complete(
        workflow,
        PROCESSING,
        {
            "verification_note": "Thiếu giấy chứng sinh",
            "proposal": "request_supplement",
            "processing_missing_documents": "Bản chính giấy chứng sinh",
        },
    )

    assert ready_task(workflow).data["processing_missing_documents"] == "Bản chính giấy chứng sinh"
    assert workflow.waiting_events() == []
    complete(workflow, PROCESSING_SUPPLEMENT, {"processing_supplement_note": "Đã nộp bản chính"})
    assert [e.event_type for e in workflow.waiting_events()] == ["DurationTimerEventDefinition"]
    complete(workflow, PROCESSING, {"verification_note": "Đủ", "proposal": "propose_approve"})
    complete(workflow, APPROVAL, {"approval_decision": "approve"})
    complete(workflow, RETURN, {"return_channel": "online", "returned_to": "Lê Văn Cường"})

    assert workflow.is_completed()
    assert reached_end(workflow) == ["EndEvent_Returned"]
    assert engine.service_calls == [RECEIVED_NOTICE]


def bpmn_tree() -> etree._ElementTree:
    return etree.parse(str(PACKAGE / "process.bpmn"))


def shape_bounds(tree) -> dict[str, tuple[float, float, float, float]]:
    bounds = {}
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        box = shape.find("dc:Bounds", NS)
        x, y, w, h = (float(box.get(key)) for key in ("x", "y", "width", "height"))
        bounds[shape.get("bpmnElement")] = (x, y, x + w, y + h)
    return bounds


def test_diagram_draws_every_node_and_flow_inside_its_lane():
    tree = bpmn_tree()
    process = tree.find("bpmn:process", NS)
    nodes = [n for tag in FLOW_NODE_TAGS for n in process.iterfind(f"bpmn:{tag}", NS)]
    flows = {f.get("id") for f in tree.iterfind(".//bpmn:sequenceFlow", NS)}
    edges = {e.get("bpmnElement") for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    bounds = shape_bounds(tree)
    lanes = {lane.get("id"): lane for lane in tree.iterfind(".//bpmn:lane", NS)}

    node_ids = {n.get("id") for n in nodes}
    participants = {p.get("id") for p in tree.iterfind(".//bpmn:participant", NS)}

    assert len(nodes) == 21
    assert set(bounds) == node_ids | set(lanes) | participants
    assert edges == flows
    for lane_id, lane in lanes.items():
        left, top, right, bottom = bounds[lane_id]
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            x1, y1, x2, y2 = bounds[ref.text]
            assert left <= x1 and x2 <= right and top <= y1 and y2 <= bottom, ref.text
    assert {lane.get("name") for lane in lanes.values()} == {
        "applicant",
        "reception",
        "processing",
        "leader",
    }
    lane_refs = {ref.text for ref in tree.iterfind(".//bpmn:flowNodeRef", NS)}
    assert lane_refs == node_ids


def load_form(name: str) -> dict:
    return json.loads((PACKAGE / "forms" / name).read_text(encoding="utf-8"))


def user_task_forms() -> list[str]:
    return [
        prop.get("value")
        for prop in bpmn_tree().iterfind(".//spiffworkflow:property", NS)
        if prop.get("name") == "formJsonSchemaFilename"
    ]


def all_form_names() -> list[str]:
    return [*user_task_forms(), "application.json"]


@pytest.mark.parametrize("name", all_form_names())
def test_form_is_a_titled_json_schema(name):
    form = load_form(name)
    Draft202012Validator.check_schema(form["schema"])
    properties = form["schema"]["properties"]
    assert form["title"]
    assert all(field.get("title") for field in properties.values())
    assert set(form["schema"]["required"]) <= set(properties)
    assert form["ui"]["order"] == list(properties)


def test_form_fields_do_not_overwrite_each_other_in_task_data():
    seen: dict[str, str] = {}
    for name in all_form_names():
        for field in load_form(name)["schema"]["properties"]:
            assert field not in seen, f"{field} in {name} and {seen.get(field)}"
            seen[field] = name


@pytest.mark.parametrize(
    ("name", "data", "valid"),
    [
        ("reception.json", {"decision": "accept"}, True),
        ("reception.json", {"decision": "supplement"}, False),
        ("reception.json", {"decision": "refuse", "reason": ""}, False),
        ("reception.json", {"decision": "approve"}, False),
        ("approval.json", {"approval_decision": "approve"}, True),
        ("approval.json", {"approval_decision": "not_approve"}, False),
        ("processing.json", {"verification_note": "Đủ", "proposal": "propose_reject"}, False),
        (
            "processing.json",
            {"verification_note": "Thiếu", "proposal": "request_supplement"},
            False,
        ),
        (
            "processing.json",
            {
                "verification_note": "Thiếu",
                "proposal": "request_supplement",
                "processing_missing_documents": "Giấy chứng sinh",
            },
            True,
        ),
        ("processing_supplement.json", {"processing_supplement_note": ""}, False),
        ("result_return.json", {"return_channel": "online", "returned_to": "An"}, True),
    ],
)
def test_officer_forms_require_a_reason_where_the_law_asks_for_one(name, data, valid):
    validator = Draft202012Validator(load_form(name)["schema"])
    assert validator.is_valid(data) is valid


def test_procedure_record_points_at_the_applicant_form():
    procedure = json.loads((PACKAGE / "procedure.json").read_text(encoding="utf-8"))

    assert procedure["code"] == "1.001193"
    assert procedure["level"] == "commune"
    assert (PACKAGE / "forms" / procedure["applicant_form"]).is_file()
    assert [fee["amount"] for fee in procedure["fees"]] == [0]
    codes = [doc["code"] for doc in procedure["documents"]]
    assert len(codes) == len(set(codes))
    required = {doc["code"] for doc in procedure["documents"] if doc["required"]}
    assert {"to_khai", "giay_chung_sinh", "giay_to_tuy_than"} <= required


def test_transfer_goes_to_the_partner_agency_and_comes_back_to_processing(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    complete(
        workflow,
        PROCESSING,
        {"verification_note": "x", "proposal": "transfer", "target_agency_code": "000.00.25.H25"},
    )
    task = ready_task(workflow)
    assert task.task_spec.extensions["properties"]["agencyCodeVariable"] == "target_agency_code"
    assert task.data["target_agency_code"] == "000.00.25.H25"
    assert engine.service_calls[-1] == ("notify/applicant", {"template": "transferred"})
    complete(workflow, PARTNER, {"partner_result": "Đã xác minh"})
    complete(workflow, PROCESSING, {"verification_note": "Đủ", "proposal": "propose_approve"})
    complete(workflow, APPROVAL, {"approval_decision": "approve"})
    complete(workflow, RETURN, {"return_channel": "counter", "returned_to": "An"})
    assert reached_end(workflow) == ["EndEvent_Returned"]


def test_coordinating_agencies_answer_in_parallel_then_processing_decides(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    complete(
        workflow,
        PROCESSING,
        {"verification_note": "x", "proposal": "consult", "coordinating_agency_codes": ["A", "B"]},
    )
    opinions = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert sorted(t.data["coordinating_agency_code"] for t in opinions) == ["A", "B"]
    assert {t.task_spec.bpmn_id for t in opinions} == {"Task_Coordination"}
    for task in opinions:
        task.data["coordination_opinion"] = f"Ý kiến {task.data['coordinating_agency_code']}"
        task.run()
        workflow.do_engine_steps()
    task = ready_task(workflow)
    assert task.task_spec.bpmn_id == "Task_Processing"
    assert task.data["coordination_opinions"] == ["Ý kiến A", "Ý kiến B"]


def test_stop_processing_notifies_and_ends_stopped(workflow, engine):
    complete(workflow, RECEPTION, {"decision": "accept"})
    complete(
        workflow,
        PROCESSING,
        {"verification_note": "x", "proposal": "stop_processing", "stop_reason": "Trùng"},
    )
    assert workflow.is_completed()
    assert reached_end(workflow) == ["EndEvent_Stopped"]
    assert engine.service_calls[-1] == ("notify/applicant", {"template": "stopped"})
