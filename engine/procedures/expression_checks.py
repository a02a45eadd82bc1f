"""Every piece of code in the diagram goes through the restricted evaluator's checker at upload.

Conditions, timers, loop expressions and service-task parameters are expressions ("eval");
script tasks and pre/post scripts are statements ("exec"). Camunda's JUEL (`${x}`, `#{x}`)
looks like an expression but would be a Python syntax error or, worse, a set literal.
"""

import re
from collections.abc import Iterator

from lxml import etree

from engine.procedures.bpmn_checks import executable_elements
from engine.procedures.problems import BPMN_NS, BpmnDocument, Problem, ValidationContext, problem_at

_JUEL = re.compile(r"[$#]\{")
_PYTHON_FORMATS = {"", "python", "text/x-python", "text/python", "py"}

#: (xpath inside an executable process, mode, what it is in Vietnamese, in English)
_EXPRESSIONS = (
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "eval", "điều kiện", "condition"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "eval", "điều kiện", "condition"),
    (".//bpmn:timerEventDefinition/bpmn:timeDuration", "eval", "thời hạn", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeDate", "eval", "thời điểm", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeCycle", "eval", "chu kỳ", "timer"),
    (
        ".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality",
        "eval",
        "số lần lặp",
        "loop cardinality",
    ),
    (
        ".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
        "eval",
        "điều kiện kết thúc lặp",
        "completion condition",
    ),
    (
        ".//bpmn:standardLoopCharacteristics/bpmn:loopCondition",
        "eval",
        "điều kiện lặp",
        "loop condition",
    ),
    (".//bpmn:scriptTask/bpmn:script", "exec", "kịch bản", "script"),
    (".//bpmn:extensionElements/spiffworkflow:preScript", "exec", "kịch bản trước", "pre-script"),
    (".//bpmn:extensionElements/spiffworkflow:postScript", "exec", "kịch bản sau", "post-script"),
)


def check_expressions(documents, package, context: ValidationContext) -> list[Problem]:
    problems = []
    for document, owner, source, mode, what_vi, what_en in _code_in(documents):
        if _JUEL.search(source):
            problems.append(juel_problem(document, owner, what_vi, what_en))
            continue
        for message in _checked_script(context, source, mode):
            problems.append(
                problem_at(
                    document,
                    owner,
                    f"{what_vi.capitalize()} của phần tử {owner.get('id')} không hợp lệ: {message}",
                    f"The {what_en} of element {owner.get('id')} is refused by the script checker: "
                    f"{message}",
                    "script",
                )
            )
    return problems


def check_script_formats(documents, package, context) -> list[Problem]:
    problems = []
    for document, task in executable_elements(documents, ".//bpmn:scriptTask"):
        script_format = (task.get("scriptFormat") or "").strip().lower()
        if script_format not in _PYTHON_FORMATS:
            problems.append(
                problem_at(
                    document,
                    task,
                    f"Script task {task.get('id')} viết bằng '{task.get('scriptFormat')}'; chỉ hỗ "
                    "trợ Python.",
                    f"Script task {task.get('id')} is written in '{task.get('scriptFormat')}'; "
                    "only Python is supported.",
                    "script_format",
                )
            )
    return problems


def juel_problem(document, owner, what_vi: str, what_en: str) -> Problem:
    return problem_at(
        document,
        owner,
        f"{what_vi.capitalize()} của phần tử {owner.get('id')} dùng cú pháp JUEL (${{...}} / "
        "#{...}) của Camunda; ở đây biểu thức viết bằng Python, ví dụ: approved == True.",
        f"The {what_en} of element {owner.get('id')} uses Camunda JUEL syntax (${{...}} / "
        "#{...}); expressions here are Python, e.g. approved == True.",
        "juel",
    )


def _code_in(documents: list[BpmnDocument]) -> Iterator[tuple]:
    """(document, owning element, source, mode, label vi, label en) for every code snippet."""
    for path, mode, what_vi, what_en in _EXPRESSIONS:
        for document, node in executable_elements(documents, path):
            source = (node.text or "").strip()
            if source:
                yield document, _owner(node), source, mode, what_vi, what_en
    for document, parameter in executable_elements(
        documents,
        ".//bpmn:serviceTask/bpmn:extensionElements/spiffworkflow:serviceTaskOperator"
        "/spiffworkflow:parameters/spiffworkflow:parameter[@value]",
    ):
        source = parameter.get("value").strip()
        if source:
            label = parameter.get("id") or ""
            yield (
                document,
                _owner(parameter),
                source,
                "eval",
                f"tham số {label}",
                f"parameter {label}",
            )


def _owner(node: etree._Element) -> etree._Element:
    """The flow, event or task the code belongs to (not its event definition or loop)."""
    for ancestor in node.iterancestors():
        name = etree.QName(ancestor)
        if (
            ancestor.get("id")
            and name.namespace == BPMN_NS
            and not name.localname.endswith(("EventDefinition", "LoopCharacteristics"))
        ):
            return ancestor
    return node


def _checked_script(context: ValidationContext, source: str, mode: str) -> list[str]:
    try:
        return list(context.check_script(source, mode))
    except Exception as error:
        return [f"không kiểm tra được mã ({type(error).__name__})."]
