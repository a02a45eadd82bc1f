"""Structural rules read straight from the XML: ids, executable processes, gateways, events.

Each check takes (documents, package, context) and returns problems; validation.py runs them.
The message builders are shared with spiff_parse.py, so a fault SpiffWorkflow also reports
comes out as the very same problem and is reported once.
"""

from collections.abc import Iterator

from lxml import etree

from engine.procedures.package import ProcedurePackage
from engine.procedures.problems import (
    BpmnDocument,
    Problem,
    ValidationContext,
    local_name,
    problem_at,
    strip_prefix,
)

RESERVED_IDS = {"Start", "End"}
_TIMER_PARTS = ("timeDuration", "timeDate", "timeCycle")
_BRANCHING_GATEWAYS = ("exclusiveGateway", "inclusiveGateway")


def is_executable(process: etree._Element) -> bool:
    """SpiffWorkflow runs a process unless isExecutable says false (a missing flag counts)."""
    return (process.get("isExecutable") or "true").strip().lower() not in ("false", "0")


def executable_processes(
    documents: list[BpmnDocument],
) -> Iterator[tuple[BpmnDocument, etree._Element]]:
    for document in documents:
        for process in document.xpath("bpmn:process"):
            if is_executable(process):
                yield document, process


def executable_elements(
    documents: list[BpmnDocument], path: str
) -> Iterator[tuple[BpmnDocument, etree._Element]]:
    """Elements matching `path` (relative, e.g. `.//bpmn:userTask`) inside executable processes."""
    for document, process in executable_processes(documents):
        for element in document.xpath(path, process):
            yield document, element


def check_reserved_ids(documents, package, context) -> list[Problem]:
    problems = []
    for document in documents:
        for element_id in RESERVED_IDS & set(document.ids):
            problems.append(
                problem_at(
                    document,
                    document.ids[element_id],
                    f"Mã phần tử '{element_id}' trùng tên nội bộ của bộ máy quy trình; đổi mã "
                    f"khác, ví dụ '{element_id}Event_1'.",
                    f"Element id '{element_id}' collides with a workflow-engine internal name; "
                    f"rename it, e.g. '{element_id}Event_1'.",
                    "reserved_id",
                )
            )
    return problems


def check_executable_processes(documents, package, context) -> list[Problem]:
    """One entry point: one executable process no other one calls, or one collaboration."""
    processes = [(d, p) for d in documents for p in d.xpath("bpmn:process")]
    if not processes:
        return [
            Problem(
                None,
                "Gói thủ tục không có quy trình (bpmn:process) nào.",
                "The package has no process (bpmn:process).",
                rule="no_process",
            )
        ]
    problems = [
        _missing_executable_flag(d, p) for d, p in processes if p.get("isExecutable") is None
    ]
    executable = [(d, p) for d, p in processes if is_executable(p)]
    explicit = [(d, p) for d, p in executable if p.get("isExecutable") is not None]
    if not explicit:
        problems += [
            problem_at(
                d,
                p,
                f"Quy trình {p.get('id')} không được đánh dấu là chạy được; gói cần đúng một "
                'quy trình có isExecutable="true".',
                f"Process {p.get('id')} is not marked executable; the package needs exactly one "
                'process with isExecutable="true".',
                "not_executable",
            )
            for d, p in processes
            if p.get("isExecutable") is not None
        ]
        return problems
    called = {a.get("calledElement") for d in documents for a in d.xpath(".//bpmn:callActivity")}
    roots = [(d, p) for d, p in executable if p.get("id") not in called]
    if len(roots) > 1 and not _one_collaboration(documents, {p.get("id") for _, p in roots}):
        names = ", ".join(p.get("id") for _, p in roots)
        problems += [
            problem_at(
                d,
                p,
                f"Gói có nhiều quy trình chạy được ({names}); chỉ để một quy trình "
                f'isExecutable="true", đặt isExecutable="false" cho {p.get("id")} hoặc gọi nó '
                "bằng call activity.",
                f"The package has several executable processes ({names}); keep one "
                f'isExecutable="true", set isExecutable="false" on {p.get("id")} or call it '
                "from a call activity.",
                "several_executable",
            )
            for d, p in roots[1:]
        ]
    return problems


def _missing_executable_flag(document, process) -> Problem:
    return problem_at(
        document,
        process,
        f'Quy trình {process.get("id")} không khai báo isExecutable; đặt isExecutable="true" '
        'cho quy trình chạy, "false" cho quy trình chỉ để minh hoạ.',
        f'Process {process.get("id")} does not declare isExecutable; set it to "true" for the '
        'process that runs, "false" for a process drawn only for illustration.',
        "executable_flag_missing",
    )


def _one_collaboration(documents, process_ids: set[str]) -> bool:
    for document in documents:
        for collaboration in document.xpath("bpmn:collaboration"):
            refs = {
                strip_prefix(p.get("processRef"))
                for p in document.xpath("bpmn:participant", collaboration)
            }
            if process_ids <= refs:
                return True
    return False


def check_gateway_conditions(documents, package, context) -> list[Problem]:
    problems = []
    for document, gateway in executable_elements(
        documents, " | ".join(f".//bpmn:{tag}" for tag in _BRANCHING_GATEWAYS)
    ):
        outgoing = [
            flow
            for flow in document.xpath("../bpmn:sequenceFlow", gateway)
            if flow.get("sourceRef") == gateway.get("id")
        ]
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            if flow.get("id") != gateway.get("default") and not flow_condition(document, flow):
                problems.append(flow_without_condition(document, flow, gateway))
    return problems


def flow_condition(document: BpmnDocument, flow: etree._Element) -> str:
    conditions = document.xpath("bpmn:conditionExpression", flow)
    return (conditions[0].text or "").strip() if conditions else ""


def flow_without_condition(document, flow, gateway=None) -> Problem:
    gateway_id = gateway.get("id") if gateway is not None else flow.get("sourceRef")
    return problem_at(
        document,
        flow,
        f"Luồng {flow.get('id')} ra khỏi cổng {gateway_id} không có điều kiện và không phải "
        "luồng mặc định; thêm điều kiện (biểu thức Python) hoặc đặt nó làm luồng mặc định.",
        f"Sequence flow {flow.get('id')} leaving gateway {gateway_id} has no condition and is "
        "not the default flow; add a condition (a Python expression) or make it the default.",
        "flow_without_condition",
    )


def check_timers(documents, package, context) -> list[Problem]:
    problems = []
    for document, definition in executable_elements(documents, ".//bpmn:timerEventDefinition"):
        parts = [c for c in definition if local_name(c.tag) in _TIMER_PARTS]
        if not parts or not any((c.text or "").strip() for c in parts):
            problems.append(empty_timer(document, definition.getparent()))
    return problems


def empty_timer(document, event) -> Problem:
    return problem_at(
        document,
        event,
        f"Hẹn giờ {event.get('id')} không có thời hạn; điền timeDuration, timeDate hoặc "
        'timeCycle bằng biểu thức Python, ví dụ "P1D".',
        f"Timer {event.get('id')} has no time expression; fill timeDuration, timeDate or "
        'timeCycle with a Python expression, e.g. "P1D".',
        "empty_timer",
    )


def check_event_references(documents, package, context) -> list[Problem]:
    """Message and signal events must name the message/signal they send or wait for."""
    problems = []
    kinds = (
        ("messageEventDefinition", "messageRef", "message", "tin nhắn"),
        ("signalEventDefinition", "signalRef", "signal", "tín hiệu"),
    )
    for definition_tag, attribute, kind_en, kind_vi in kinds:
        for document, definition in executable_elements(documents, f".//bpmn:{definition_tag}"):
            reference = strip_prefix(definition.get(attribute))
            event = definition.getparent()
            if not reference:
                problems.append(
                    problem_at(
                        document,
                        event,
                        f"Sự kiện {event.get('id')} dùng {kind_vi} nhưng không chọn {kind_vi} nào "
                        f"({attribute}); chọn hoặc tạo một {kind_vi} trong trình vẽ.",
                        f"Event {event.get('id')} is a {kind_en} event but names no {kind_en} "
                        f"({attribute}); pick or create one in the editor.",
                        f"{kind_en}_ref_missing",
                    )
                )
            elif not any(reference in d.ids for d in documents):
                problems.append(
                    problem_at(
                        document,
                        event,
                        f"Sự kiện {event.get('id')} tham chiếu {kind_vi} {reference} "
                        "không có trong gói.",
                        f"Event {event.get('id')} refers to {kind_en} {reference}, which is not in "
                        "the package.",
                        f"{kind_en}_ref_unknown",
                    )
                )
    return problems


def check_call_activities(documents, package, context) -> list[Problem]:
    processes = {p.get("id") for d in documents for p in d.xpath("bpmn:process")}
    problems = []
    for document, activity in executable_elements(documents, ".//bpmn:callActivity"):
        called = activity.get("calledElement")
        if not called or called not in processes:
            problems.append(missing_called_process(document, activity, called))
    return problems


def missing_called_process(document, activity, called: str | None) -> Problem:
    if not called:
        return problem_at(
            document,
            activity,
            f"Call activity {activity.get('id')} không gọi quy trình nào (thiếu calledElement; "
            "camunda:caseRef/CMMN không được hỗ trợ).",
            f"Call activity {activity.get('id')} calls no process (no calledElement; "
            "camunda:caseRef/CMMN is not supported).",
            "missing_called_process",
        )
    return problem_at(
        document,
        activity,
        f"Call activity {activity.get('id')} gọi quy trình {called} nhưng gói không có quy "
        f"trình này; thêm tệp .bpmn chứa quy trình {called} vào gói.",
        f"Call activity {activity.get('id')} calls process {called}, which is not in the "
        f"package; add the .bpmn file that holds process {called}.",
        "missing_called_process",
    )


def check_data_stores(documents, package, context) -> list[Problem]:
    return [
        unsupported_data_store(d, store) for d in documents for store in d.xpath("bpmn:dataStore")
    ]


def unsupported_data_store(document, store) -> Problem:
    return problem_at(
        document,
        store,
        f"Kho dữ liệu (data store) {store.get('id')} không được hỗ trợ; lưu dữ liệu trong hồ sơ "
        "hoặc gọi một thao tác kết nối bằng service task.",
        f"Data store {store.get('id')} is not supported; keep data in the dossier or call a "
        "connector operation from a service task.",
        "data_store",
    )


def check_data_references(documents, package, context) -> list[Problem]:
    """Data associations must point at a data object or input/output that exists."""
    problems = []
    for document, reference in executable_elements(
        documents,
        ".//bpmn:dataOutputAssociation/bpmn:targetRef"
        " | .//bpmn:dataInputAssociation/bpmn:sourceRef",
    ):
        target = (reference.text or "").strip()
        if target and target not in document.ids:
            task = reference.getparent().getparent()
            problems.append(
                problem_at(
                    document,
                    task,
                    f"Phần tử {task.get('id')} đọc/ghi đối tượng dữ liệu {target} không tồn "
                    "tại; nối lại với một đối tượng dữ liệu trong sơ đồ.",
                    f"Element {task.get('id')} reads or writes data object {target}, which "
                    "does not exist; connect it to a data object in the diagram.",
                    "data_reference",
                )
            )
    return problems


def check_statuses(documents, package, context: ValidationContext) -> list[Problem]:
    problems = []
    known = ", ".join(sorted(context.known_statuses))
    for document, prop in executable_elements(
        documents, ".//spiffworkflow:property[@name='dossierStatus']"
    ):
        status = (prop.get("value") or "").strip()
        if status in context.known_statuses:
            continue
        owner = next((a for a in prop.iterancestors() if a.get("id")), prop)
        problems.append(
            problem_at(
                document,
                owner,
                f"Phần tử {owner.get('id')} đặt trạng thái hồ sơ '{status}' không có trong "
                f"danh mục trạng thái; dùng một trong: {known}.",
                f"Element {owner.get('id')} sets dossier status '{status}', which is not a known "
                f"status; use one of: {known}.",
                "unknown_status",
            )
        )
    return problems


def check_business_rules(documents, package: ProcedurePackage, context) -> list[Problem]:
    """Business-rule tasks name a decision with spiffworkflow:calledDecisionId (not camunda)."""
    problems = []
    for document, task in executable_elements(documents, ".//bpmn:businessRuleTask"):
        decision = document.xpath("bpmn:extensionElements/spiffworkflow:calledDecisionId", task)
        if not decision or not (decision[0].text or "").strip():
            problems.append(
                problem_at(
                    document,
                    task,
                    f"Business rule task {task.get('id')} không chọn bảng quyết định "
                    "(spiffworkflow:calledDecisionId); camunda:decisionRef không được hỗ trợ.",
                    f"Business rule task {task.get('id')} names no decision "
                    "(spiffworkflow:calledDecisionId); camunda:decisionRef is not supported.",
                    "decision_missing",
                )
            )
    return problems
