"""A dossier's BPMN diagram as SVG, drawn on the server from the package's diagram coordinates.

The drawing needs no JavaScript viewer: the officer's page embeds the SVG inline, and an
administrator's preview can call `render_diagram` with no states. Each flow node becomes one
`<g class="bpmn-node ...">` whose class says where the dossier is: `is-completed`, `is-current`
(waiting for a person, a timer or a connector) or `is-pending` (not reached yet). The SVG is
built with lxml, so names from the package are always escaped.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.users.roles import APPLICANT_LANE, ROLES
from engine.workflow.diagram_svg import (
    STYLE,
    SVG_NS,
    Bounds,
    arrowheads,
    draw_activity,
    draw_badge,
    draw_band,
    draw_event,
    draw_gateway,
    rect_attributes,
    svg_child,
    wrapped_text,
)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

COMPLETED = "completed"
CURRENT = "current"
PENDING = "pending"
STATE_LABELS = {COMPLETED: "đã hoàn thành", CURRENT: "đang xử lý", PENDING: "chưa đến"}

ACTIVITIES = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
}
EVENTS = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
GATEWAYS = {
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS


def diagram_states(workflow: BpmnWorkflow, bpmn_xml: str | None = None) -> dict[str, str]:
    """BPMN element id -> completed / current, from the workflow's task states.

    A node is current while any of its tasks waits for a person, a timer, a message or a
    connector (READY, WAITING, STARTED); otherwise completed if one of its tasks ran. Predicted
    tasks (FUTURE, LIKELY, MAYBE) are not reached yet and stay out of the mapping. With the
    BPMN text, the sequence flows the dossier actually went along are marked completed too:
    a reached task whose nearest BPMN ancestor in the task tree completed came along the flow
    between the two (SpiffWorkflow keeps no flow ids, and branches not taken leave the tree).
    """
    states: dict[str, str] = {}
    flows = _sequence_flows(bpmn_xml) if bpmn_xml else {}
    waiting = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state & waiting:
            states[bpmn_id] = CURRENT
        elif task.state == TaskState.COMPLETED and states.get(bpmn_id) != CURRENT:
            states[bpmn_id] = COMPLETED
        else:
            continue
        source = _bpmn_ancestor(task)
        if source is not None and source.state == TaskState.COMPLETED:
            for flow_id in flows.get((source.task_spec.bpmn_id, bpmn_id), []):
                states[flow_id] = COMPLETED
    return states


def render_diagram(bpmn_xml: str, states: dict[str, str]) -> str:
    """The diagram of `bpmn_xml` as an SVG string; `states` maps element ids to their state.

    Elements missing from `states` are drawn as not yet reached; sequence flows too, once
    `states` names any flow (else a flow between two reached nodes is guessed as taken).
    Raises ValueError when the document is not BPMN or carries no diagram coordinates. The
    SVG's title and description have the ids `bpmn-title` and `bpmn-desc`: one per page.
    """
    root = _parse(bpmn_xml)
    elements = {
        element.get("id"): element
        for element in root.iter(f"{{{BPMN_NS}}}*")
        if element.get("id") is not None
    }
    plane = root.find(f".//{{{BPMNDI_NS}}}BPMNPlane")
    if plane is None:
        raise ValueError("the BPMN document has no diagram (bpmndi:BPMNPlane)")
    shapes = plane.findall(f"{{{BPMNDI_NS}}}BPMNShape")
    edges = plane.findall(f"{{{BPMNDI_NS}}}BPMNEdge")
    box = _extent(shapes, edges)

    svg = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap={None: SVG_NS},
        attrib={
            "class": "bpmn-diagram",
            "role": "img",
            "aria-labelledby": "bpmn-title bpmn-desc",
            "viewBox": f"{box.x:g} {box.y:g} {box.width:g} {box.height:g}",
            "width": f"{box.width:g}",
            "height": f"{box.height:g}",
        },
    )
    _describe(svg, root, elements, states)
    svg_child(svg, "style").text = STYLE
    arrowheads(svg, {PENDING: "#9aa5b1", COMPLETED: "#1f7a3a"})
    layers = {name: svg_child(svg, "g", {"class": f"layer-{name}"}) for name in ("pools", "edges")}
    layers["nodes"] = svg_child(svg, "g", {"class": "layer-nodes"})
    for shape in shapes:
        element = elements.get(shape.get("bpmnElement"))
        if element is not None:
            _draw_shape(layers, shape, element, states)
    flows_known = any(
        etree.QName(elements[key]).localname == "sequenceFlow" for key in states if key in elements
    )
    for edge in edges:
        element = elements.get(edge.get("bpmnElement"))
        if element is not None:
            _draw_edge(layers["edges"], edge, element, states, flows_known)
    return etree.tostring(svg, encoding="unicode")


def flow_node_ids(bpmn_xml: str) -> list[str]:
    """Ids of every flow node (activity, event, gateway): one shape each in the drawing."""
    return [
        element.get("id")
        for element in _parse(bpmn_xml).iter(f"{{{BPMN_NS}}}*")
        if etree.QName(element).localname in FLOW_NODES
    ]


def _sequence_flows(bpmn_xml: str) -> dict[tuple[str, str], list[str]]:
    flows: dict[tuple[str, str], list[str]] = {}
    for flow in _parse(bpmn_xml).iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows.setdefault((flow.get("sourceRef"), flow.get("targetRef")), []).append(flow.get("id"))
    return flows


def _bpmn_ancestor(task):
    """The nearest parent task that is a BPMN element (skipping the engine's own helpers)."""
    parent = task.parent
    while parent is not None and not getattr(parent.task_spec, "bpmn_id", None):
        parent = parent.parent
    return parent


def _parse(bpmn_xml: str) -> etree._Element:
    """No entities, no network: the diagram may come from a package not yet validated."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(bpmn_xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not well-formed XML: {error}") from error
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise ValueError("not a BPMN 2.0 document")
    return root


def _bounds(shape: etree._Element) -> Bounds | None:
    found = shape.find(f"{{{DC_NS}}}Bounds")
    if found is None:
        return None
    return Bounds(*(float(found.get(key, 0)) for key in ("x", "y", "width", "height")))


def _label_bounds(node: etree._Element) -> Bounds | None:
    label = node.find(f"{{{BPMNDI_NS}}}BPMNLabel")
    return _bounds(label) if label is not None else None


def _waypoints(edge: etree._Element) -> list[tuple[float, float]]:
    return [
        (float(point.get("x", 0)), float(point.get("y", 0)))
        for point in edge.findall(f"{{{DI_NS}}}waypoint")
    ]


def _extent(shapes: list, edges: list) -> Bounds:
    """The box around every shape, label and waypoint, with a small margin."""
    xs, ys = [], []
    for shape in shapes:
        for bounds in (_bounds(shape), _label_bounds(shape)):
            if bounds:
                xs += [bounds.x, bounds.x + bounds.width]
                ys += [bounds.y, bounds.y + bounds.height]
    for edge in edges:
        for x, y in _waypoints(edge):
            xs.append(x)
            ys.append(y)
    if not xs:
        raise ValueError("the BPMN diagram has no shapes")
    margin = 10
    left, top = min(xs) - margin, min(ys) - margin
    return Bounds(left, top, max(xs) + margin - left, max(ys) + margin - top)


def _describe(svg, root, elements: dict, states: dict[str, str]) -> None:
    """<title> and <desc>: what a screen reader says instead of the picture."""
    process = root.find(f"{{{BPMN_NS}}}process")
    name = (process.get("name") if process is not None else None) or "quy trình"
    svg_child(svg, "title", {"id": "bpmn-title"}).text = f"Sơ đồ quy trình: {name}"
    parts = []
    for state, label in ((COMPLETED, "Đã hoàn thành"), (CURRENT, "Đang xử lý")):
        names = [
            _name(elements[element_id])
            for element_id, value in states.items()
            if value == state
            and element_id in elements
            and etree.QName(elements[element_id]).localname in FLOW_NODES
        ]
        if names:
            parts.append(f"{label}: {', '.join(names)}.")
    desc = svg_child(svg, "desc", {"id": "bpmn-desc"})
    desc.text = " ".join(parts) or "Chưa bước nào được thực hiện."


def _name(element: etree._Element) -> str:
    return (element.get("name") or "").strip() or element.get("id")


def _draw_shape(layers: dict, shape, element, states: dict[str, str]) -> None:
    bounds = _bounds(shape)
    if bounds is None:
        return
    kind = etree.QName(element).localname
    if kind in ("participant", "lane"):
        draw_band(layers["pools"], bounds, _band_label(element), pool=kind == "participant")
        return
    if kind not in FLOW_NODES:
        group = svg_child(layers["nodes"], "g", {"class": f"bpmn-artifact bpmn-{kind}"})
        svg_child(group, "rect", rect_attributes(bounds))
        wrapped_text(group, element.get("name") or _annotation_text(element), bounds)
        return
    element_id = element.get("id")
    state = states.get(element_id, PENDING)
    group = svg_child(
        layers["nodes"],
        "g",
        {
            "id": f"bpmn-{element_id}",
            "class": f"bpmn-node bpmn-{kind} is-{state}",
            "data-bpmn-id": element_id,
        },
    )
    svg_child(group, "title").text = f"{_name(element)} ({STATE_LABELS[state]})"
    name = (element.get("name") or "").strip()
    if kind in ACTIVITIES:
        draw_activity(group, bounds, name)
        if state != PENDING:
            draw_badge(group, bounds, "✓" if state == COMPLETED else "●")
        return
    if kind in EVENTS:
        timer = element.find(f"{{{BPMN_NS}}}timerEventDefinition") is not None
        draw_event(group, bounds, kind, timer=timer)
    else:
        draw_gateway(group, bounds, kind, marker_visible=shape.get("isMarkerVisible") != "false")
    if name:
        label = _label_bounds(shape) or Bounds(
            bounds.x - 30, bounds.y + bounds.height + 4, bounds.width + 60, 14
        )
        wrapped_text(group, name, label, vertical="top", min_chars=16)


def _band_label(element) -> str:
    """A lane's name is a role code (processes/README.md): show the role's Vietnamese name."""
    name = (element.get("name") or "").strip()
    if name == APPLICANT_LANE:
        return "Người nộp hồ sơ"
    return ROLES.get(name, name)


def _draw_edge(layer, edge, element, states: dict[str, str], flows_known: bool) -> None:
    points = _waypoints(edge)
    if len(points) < 2:
        return
    kind = etree.QName(element).localname
    state = states.get(element.get("id")) or PENDING
    if not flows_known and _edge_taken(element, states):
        state = COMPLETED
    group = svg_child(
        layer,
        "g",
        {
            "id": f"bpmn-{element.get('id')}",
            "class": f"bpmn-edge bpmn-{kind} is-{state}",
            "data-bpmn-id": element.get("id"),
        },
    )
    attributes = {"d": "M" + " L".join(f"{x:g},{y:g}" for x, y in points)}
    if kind != "association":
        attributes["marker-end"] = f"url(#bpmn-arrow-{state})"
    svg_child(group, "path", attributes)
    name = (element.get("name") or "").strip()
    if name:
        label = _label_bounds(edge)
        if label is None:
            (x1, y1), (x2, y2) = points[0], points[1]
            label = Bounds((x1 + x2) / 2 + 4, (y1 + y2) / 2 - 16, 80, 14)
        wrapped_text(group, name, label, anchor="start", min_chars=16)


def _edge_taken(element, states: dict[str, str]) -> bool:
    """Without flow states: a flow counts as taken when its source completed and its target was
    reached (a guess that loops can fool, so `diagram_states` with the BPMN text is better)."""
    source, target = states.get(element.get("sourceRef")), states.get(element.get("targetRef"))
    return source == COMPLETED and target in (COMPLETED, CURRENT)


def _annotation_text(element) -> str:
    found = element.find(f"{{{BPMN_NS}}}text")
    return (found.text or "") if found is not None else ""
