"""The dossier's BPMN diagram: well-formed SVG, one shape per flow node, states on the right
elements after real steps, names escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.dossiers.models import Dossier
from engine.dossiers.overview import process_bpmn
from engine.workflow import runtime
from engine.workflow.diagram import diagram_states, flow_node_ids, render_diagram
from engine.workflow.models import WorkflowState
from tests.factories import complete, open_task, submit

SVG = "{http://www.w3.org/2000/svg}"
KHAI_SINH_BPMN = Path(__file__).parents[4] / "processes/dang_ky_khai_sinh/process.bpmn"


def nodes(svg_text: str) -> dict[str, str]:
    """bpmn id -> class attribute of its shape group."""
    svg = etree.fromstring(svg_text.encode())
    return {
        group.get("data-bpmn-id"): group.get("class")
        for group in svg.iter(f"{SVG}g")
        if "bpmn-node" in (group.get("class") or "").split()
    }


def test_every_flow_node_is_drawn_once_and_the_svg_is_xml():
    bpmn = KHAI_SINH_BPMN.read_text(encoding="utf-8")
    svg_text = render_diagram(bpmn, {})
    svg = etree.fromstring(svg_text.encode())
    assert svg.tag == f"{SVG}svg"
    drawn = nodes(svg_text)
    assert sorted(drawn) == sorted(flow_node_ids(bpmn))
    assert len(drawn) == 21  # the shipped birth registration, transfer and coordination included
    assert all("is-pending" in css for css in drawn.values())
    assert svg.find(f"{SVG}title").text == "Sơ đồ quy trình: Đăng ký khai sinh"
    assert svg.get("aria-labelledby") == "bpmn-title bpmn-desc"
    assert {g.get("class") for g in svg.iter(f"{SVG}g")} >= {"bpmn-pool", "bpmn-lane"}


def test_completed_and_current_elements_follow_the_dossier(demo, session_factory):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})

    with session_factory() as session:
        state = session.get(WorkflowState, dossier_id).state
        version = session.get(Dossier, dossier_id).procedure_version
        workflow = runtime.load_workflow(version.content_hash, version.spec, state)
        bpmn = process_bpmn(version)
    states = diagram_states(workflow)
    drawn = nodes(render_diagram(bpmn, states))

    for done in ("StartEvent_Submitted", "Task_Reception", "Gateway_ReceptionDecision"):
        assert "is-completed" in drawn[done].split(), done
    assert "is-current" in drawn["Task_Processing"].split()
    for ahead in ("Task_Approval", "Task_ReturnResult", "EndEvent_Returned", "EndEvent_Refused"):
        assert "is-pending" in drawn[ahead].split(), ahead
    edges = {
        group.get("data-bpmn-id"): group.get("class")
        for group in etree.fromstring(render_diagram(bpmn, states).encode()).iter(f"{SVG}g")
        if "bpmn-edge" in (group.get("class") or "")
    }
    assert "is-completed" in edges["Flow_Submitted"]
    assert "is-pending" in edges["Flow_Refused"]


TINY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="t">
  <bpmn:process id="P" name="Cấp phép &amp; gia hạn" isExecutable="true">
    <bpmn:startEvent id="S" name="Bắt đầu" />
    <bpmn:userTask id="T" name="Kiểm tra &lt;hồ sơ&gt; &amp; &quot;giấy tờ&quot; của Ông Đặng" />
    <bpmn:sequenceFlow id="F" name="a &lt; b" sourceRef="S" targetRef="T" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="P">
    <bpmndi:BPMNShape id="S_di" bpmnElement="S">
      <dc:Bounds x="10" y="22" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="T_di" bpmnElement="T">
      <dc:Bounds x="100" y="0" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F_di" bpmnElement="F">
      <di:waypoint x="46" y="40" /><di:waypoint x="100" y="40" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def edge_classes(svg_text: str) -> dict[str, str]:
    return {
        group.get("data-bpmn-id"): group.get("class")
        for group in etree.fromstring(svg_text.encode()).iter(f"{SVG}g")
        if "bpmn-edge" in (group.get("class") or "").split()
    }


def test_only_the_flows_the_dossier_went_along_are_marked(demo, session_factory):
    """Approved at the first try: the "not approved" loop joins two completed tasks, yet it
    was never taken and must not look taken."""
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    steps = [
        ("motcua", "reception", {"decision": "accept"}),
        ("thuly", "processing", {"verification_note": "Hợp lệ.", "proposal": "propose_approve"}),
        ("lanhdao", "leader", {"approval_decision": "approve"}),
    ]
    for username, role, data in steps:
        task = open_task(session_factory, dossier_id, role)
        complete(session_factory, demo.actor(username), task.id, data)
    with session_factory() as session:
        state = session.get(WorkflowState, dossier_id).state
        version = session.get(Dossier, dossier_id).procedure_version
        workflow = runtime.load_workflow(version.content_hash, version.spec, state)
        bpmn = process_bpmn(version)
    svg_text = render_diagram(bpmn, diagram_states(workflow, bpmn))
    edges = edge_classes(svg_text)
    for taken in ("Flow_Submitted", "Flow_Accepted", "Flow_ToApproval", "Flow_Approved"):
        assert "is-completed" in edges[taken].split(), taken
    for untaken in ("Flow_NotApproved", "Flow_Refused", "Flow_ToReturned"):
        assert "is-pending" in edges[untaken].split(), untaken
    assert "is-current" in nodes(svg_text)["Task_ReturnResult"].split()


def test_names_with_diacritics_and_markup_are_escaped():
    svg_text = render_diagram(TINY, {"T": "current"})
    assert "<hồ sơ>" not in svg_text
    assert "&lt;hồ" in svg_text and "&amp;" in svg_text
    svg = etree.fromstring(svg_text.encode())
    task = next(g for g in svg.iter(f"{SVG}g") if g.get("data-bpmn-id") == "T")
    lines = [span.text for span in task.iter(f"{SVG}tspan")]
    assert len(lines) > 1  # wrapped to the box
    assert " ".join(lines) == 'Kiểm tra <hồ sơ> & "giấy tờ" của Ông Đặng'
    assert "is-current" in task.get("class")
    assert svg.find(f"{SVG}desc").text == 'Đang xử lý: Kiểm tra <hồ sơ> & "giấy tờ" của Ông Đặng.'


@pytest.mark.parametrize(
    "text",
    [
        "not xml <",
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
        TINY.replace(
            TINY[TINY.index("  <bpmndi:BPMNDiagram") : TINY.index("</bpmn:definitions>")], ""
        ),
    ],
)
def test_what_is_not_a_drawable_bpmn_is_refused_plainly(text):
    with pytest.raises(ValueError):
        render_diagram(text, {})
