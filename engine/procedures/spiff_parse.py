"""Build the workflow spec the way the runtime will, and turn SpiffWorkflow's errors into problems.

SpiffWorkflow stops at the first error of a file or process, some errors carry no element id
(missing call-activity target, data store), some carry a memory address, and a DMN file with
several decisions crashes it. Those are located here by searching the XML.
"""

import re

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.procedures import bpmn_checks, task_checks
from engine.procedures.bpmn_checks import executable_processes
from engine.procedures.package import ProcedurePackage
from engine.procedures.problems import BpmnDocument, Problem, clean_text, problem_at

_PROCESS_NOT_FOUND = re.compile(r"The process '(?P<process>[^']*)' was not found")
#: Vietnamese for SpiffWorkflow's parser messages; the English original follows it.
_ENGINE_MESSAGES = {
    "A multiinstance task must specify exactly one of cardinality or loop input": (
        "tác vụ lặp phải có đúng một trong hai: số lần lặp hoặc danh sách đầu vào. "
    ),
    "Cannot resolve dataOutputAssociation": "tác vụ ghi vào một đối tượng dữ liệu không tồn tại. ",
    "Cannot resolve dataInputAssociation": "tác vụ đọc một đối tượng dữ liệu không tồn tại. ",
    "Exactly one start event is required in a SubWorkflow": (
        "tiến trình con phải có đúng một sự kiện bắt đầu. "
    ),
    "A SubWorkflow Must contain an End event": "tiến trình con phải có sự kiện kết thúc. ",
    "No DMN Diagram available with id": "không tìm thấy bảng quyết định được gọi trong gói. ",
    "Conditional event definition with missing condition": "sự kiện điều kiện thiếu điều kiện. ",
    "There is no support implemented for this task type": "loại phần tử này không được hỗ trợ. ",
}
_DATA_STORE = re.compile(r"Data Store with name (?P<name>.*) has no implementation")


def check_with_spiff(documents: list[BpmnDocument], package: ProcedurePackage) -> list[Problem]:
    parser = SpiffBpmnParser()
    problems: list[Problem] = []
    loaded = []
    for document in documents:
        try:
            parser.add_bpmn_xml(etree.fromstring(etree.tostring(document.root)), document.file)
            loaded.append(document)
        except Exception as error:
            problems.append(problem_from_error(error, documents, document.file))
    for file in package.dmn_files:
        problems += _add_dmn(parser, file, package.files[file])
    for document, process in executable_processes(loaded):
        process_id = process.get("id")
        try:
            parser.get_spec(process_id)
            parser.get_subprocess_specs(process_id)
        except Exception as error:
            problems.append(problem_from_error(error, documents, document.file))
    return problems


def _add_dmn(parser: SpiffBpmnParser, file: str, content: bytes) -> list[Problem]:
    """Register a DMN file; refuse one with several decisions (Spiff would read only the first)."""
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [
            Problem(
                None,
                f"Tệp {file} không phải XML hợp lệ: {clean_text(error.msg or '')}.",
                f"{file} is not well-formed XML: {clean_text(error.msg or '')}.",
                file=file,
                line=error.lineno or None,
                rule="xml_syntax",
            )
        ]
    decisions = [
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "decision"
    ]
    if len(decisions) != 1:
        names = ", ".join(d.get("id") or "?" for d in decisions) or "(không có)"
        names_en = ", ".join(d.get("id") or "?" for d in decisions) or "(none)"
        return [
            Problem(
                decisions[1].get("id") if len(decisions) > 1 else None,
                f"Tệp {file} phải chứa đúng một bảng quyết định (decision), hiện có: {names}. Tách "
                "mỗi bảng quyết định ra một tệp .dmn riêng.",
                f"{file} must hold exactly one decision; it has: {names_en}. Put each decision in "
                "its own .dmn file.",
                file=file,
                line=decisions[1].sourceline if len(decisions) > 1 else None,
                rule="dmn_decisions",
            )
        ]
    try:
        parser.add_dmn_xml(root, filename=file)
    except Exception as error:
        return [problem_from_error(error, [], file)]
    return []


def problem_from_error(error: Exception, documents: list[BpmnDocument], file: str) -> Problem:
    """Locate and translate one parser error; never leaks a traceback or an address."""
    text = clean_text(_message(error))
    element_id = getattr(error, "id", "") or None
    file = getattr(error, "file_name", "") or file
    document = next((d for d in documents if d.file == file), None)
    element = document.ids.get(element_id) if document is not None and element_id else None
    known = _known_problem(text, documents, document, element)
    if known is not None:
        return known
    if not isinstance(error, ValidationException):
        text = f"{type(error).__name__}: {text}"
    where_vi = f" tại phần tử {element_id}" if element_id else ""
    where_en = f" at element {element_id}" if element_id else ""
    hint = next((vi for en, vi in _ENGINE_MESSAGES.items() if text.startswith(en)), "")
    return Problem(
        element_id,
        f"Bộ máy quy trình không đọc được sơ đồ{where_vi}: {hint}{text}.",
        f"The workflow engine cannot read the diagram{where_en}: {text}.",
        file=file,
        line=element.sourceline if element is not None else _line(error),
        rule="engine",
    )


def _known_problem(text, documents, document, element) -> Problem | None:
    """Errors the XML checks also find: return the identical problem so it is reported once."""
    match = _PROCESS_NOT_FOUND.search(text)
    if match:
        for doc in documents:
            for activity in doc.xpath(".//bpmn:callActivity"):
                if activity.get("calledElement") == match["process"]:
                    return bpmn_checks.missing_called_process(doc, activity, match["process"])
        return None
    match = _DATA_STORE.search(text)
    if match:
        for doc in documents:
            for store in doc.xpath(".//bpmn:dataStore"):
                if store.get("name") == match["name"]:
                    return bpmn_checks.unsupported_data_store(doc, store)
        return None
    if element is None:
        return None
    name = etree.QName(element).localname
    if text.startswith("A Service Task must have an operator"):
        camunda = [
            a
            for a in ("class", "expression", "delegateExpression", "type")
            if element.get(f"{{{task_checks.CAMUNDA_NS}}}{a}")
        ]
        if camunda:
            return task_checks.camunda_service_task(document, element, f"camunda:{camunda[0]}")
        return task_checks.missing_operator(document, element)
    if text.startswith("Non-default exclusive outgoing sequence flow without condition"):
        return bpmn_checks.flow_without_condition(document, element)
    if "Time Specification" in text and name.endswith("Event"):
        return bpmn_checks.empty_timer(document, element)
    if text.startswith("No start event found"):
        return problem_at(
            document,
            element,
            f"Quy trình {element.get('id')} không có sự kiện bắt đầu; thêm một sự kiện bắt đầu.",
            f"Process {element.get('id')} has no start event; add one.",
            "no_start_event",
        )
    return None


def _message(error: Exception) -> str:
    if isinstance(error, ValidationException):
        return error.args[0] if error.args else ""
    return str(error)


def _line(error: Exception) -> int | None:
    line = getattr(error, "line_number", None)
    return line if isinstance(line, int) else None
