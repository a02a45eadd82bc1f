"""Every shipped procedure escalates a slow processing task to the leader in its own diagram.

Issue #6: a non-interrupting boundary timer on the processing task notifies the leader, so an
administrator sees the escalation in the BPMN, and the diagram draws it (each element has DI).
"""

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

import processes

PACKAGES = sorted(path.parent for path in Path(processes.__file__).parent.glob("*/process.bpmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


def test_every_procedure_is_checked():
    assert {p.name for p in PACKAGES} >= {
        "cap_giay_phep_xay_dung_nha_o",
        "dang_ky_khai_sinh",
        "dang_ky_thanh_lap_ho_kinh_doanh",
    }


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_processing_task_carries_a_non_interrupting_timer_that_notifies_the_leader(package):
    tree = etree.parse(str(package / "process.bpmn"))
    processing_lane_nodes = {
        ref.text
        for lane in tree.iterfind(".//bpmn:lane[@name='processing']", NS)
        for ref in lane.iterfind("bpmn:flowNodeRef", NS)
    }
    user_tasks = {t.get("id") for t in tree.iterfind(".//bpmn:userTask", NS)}
    flows = {
        flow.get("sourceRef"): flow.get("targetRef")
        for flow in tree.iterfind(".//bpmn:sequenceFlow", NS)
    }
    leader_operators = {
        task.get("id")
        for task in tree.iterfind(".//bpmn:serviceTask", NS)
        if task.find(".//spiffworkflow:serviceTaskOperator[@id='notify/leader']", NS) is not None
    }
    escalations = [
        timer
        for timer in tree.iterfind(".//bpmn:boundaryEvent", NS)
        if timer.find("bpmn:timerEventDefinition", NS) is not None
        and timer.get("cancelActivity") == "false"
        and timer.get("attachedToRef") in user_tasks & processing_lane_nodes
        and flows.get(timer.get("id")) in leader_operators
    ]
    assert escalations, f"{package.name}: no leader escalation timer on a processing task"

    drawn = {shape.get("bpmnElement") for shape in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {edge.get("bpmnElement") for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    for timer in escalations:
        notify = flows[timer.get("id")]
        assert {timer.get("id"), notify, flows[notify]} <= drawn
        assert {timer.find("bpmn:outgoing", NS).text} <= edges
        assert timer.get("id") in processing_lane_nodes and notify in processing_lane_nodes


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_process_still_parses(package):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(package / "process.bpmn"))
    process_id = etree.parse(str(package / "process.bpmn")).find(".//bpmn:process", NS).get("id")
    assert parser.get_spec(process_id).task_specs
