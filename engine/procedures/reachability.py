"""Elements no token can reach, and processes that cannot finish.

SpiffWorkflow silently drops a task with no incoming flow; a dossier whose process has no
reachable end event can never be finished. Each process and embedded subprocess is a scope:
tokens start at its start events and move along its own sequence flows.
"""

from lxml import etree

from engine.procedures.bpmn_checks import executable_processes
from engine.procedures.problems import BPMN_NS, BpmnDocument, Problem, local_name, problem_at

FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}
_SCOPES = {"subProcess", "transaction"}


def check_reachability(documents, package, context) -> list[Problem]:
    problems = []
    for document, process in executable_processes(documents):
        reached = _check_scope(document, process, problems)
        if not any(local_name(reached_node.tag) == "endEvent" for reached_node in reached):
            problems.append(
                problem_at(
                    document,
                    process,
                    f"Quy trình {process.get('id')} không có sự kiện kết thúc nào tới được từ sự "
                    "kiện bắt đầu; hồ sơ sẽ không bao giờ kết thúc. Nối luồng tới một sự kiện "
                    "kết thúc.",
                    f"Process {process.get('id')} has no end event reachable from a start event; a "
                    "dossier could never finish. Connect the flow to an end event.",
                    "no_end_event",
                )
            )
    return problems


def _check_scope(document: BpmnDocument, scope: etree._Element, problems: list) -> list:
    """Report unreachable nodes of one scope (recursing into subprocesses); return the reached."""
    nodes = [child for child in scope if local_name(child.tag) in FLOW_NODES]
    reached = _reached(scope, nodes)
    for node in nodes:
        if node not in reached:
            problems.append(
                problem_at(
                    document,
                    node,
                    f"Phần tử {node.get('id')} không có đường đi nào từ sự kiện bắt đầu (không có "
                    "luồng vào); nối nó vào quy trình hoặc xoá đi.",
                    f"Element {node.get('id')} cannot be reached from any start event (no incoming "
                    "flow); connect it to the process or delete it.",
                    "unreachable",
                )
            )
        elif local_name(node.tag) in _SCOPES:
            _check_scope(document, node, problems)
    return [node for node in nodes if node in reached]


def _reached(scope: etree._Element, nodes: list) -> set:
    by_id = {node.get("id"): node for node in nodes}
    targets: dict[str, list[str]] = {}
    for flow in scope.iterchildren(f"{{{BPMN_NS}}}sequenceFlow"):
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    pending = [node for node in nodes if _is_seed(node)]
    reached: set = set()
    while pending:
        node = pending.pop()
        if node in reached:
            continue
        reached.add(node)
        pending += [by_id[t] for t in targets.get(node.get("id"), []) if t in by_id]
        pending += [
            boundary
            for boundary in nodes
            if local_name(boundary.tag) == "boundaryEvent"
            and boundary.get("attachedToRef") == node.get("id")
        ]
    return reached


def _is_seed(node: etree._Element) -> bool:
    """Where tokens appear without an incoming flow."""
    name = local_name(node.tag)
    if name == "startEvent":
        return True
    if name == "subProcess" and node.get("triggeredByEvent") == "true":
        return True
    if node.get("isForCompensation") == "true":
        return True
    return name == "intermediateCatchEvent" and any(
        local_name(child.tag) == "linkEventDefinition" for child in node
    )
