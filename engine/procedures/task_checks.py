"""Rules on who does a task and how: lanes name roles, user tasks ship JSON forms, service
tasks name registered connector operations. Camunda-engine constructs are refused by name,
because SpiffWorkflow would silently ignore them (or wait forever)."""

from engine.procedures.bpmn_checks import executable_elements
from engine.procedures.package import FORMS_DIR, ProcedurePackage
from engine.procedures.problems import (
    CAMUNDA_NS,
    Problem,
    ValidationContext,
    problem_at,
)

APPLICANT_ROLE = "applicant"
FORM_PROPERTY = "formJsonSchemaFilename"
_CAMUNDA_IMPLEMENTATIONS = ("class", "expression", "delegateExpression", "type", "topic")


def check_lanes(documents, package, context: ValidationContext) -> list[Problem]:
    problems = []
    roles = sorted(context.known_roles | {APPLICANT_ROLE})
    for document, lane in executable_elements(documents, ".//bpmn:lane"):
        name = (lane.get("name") or "").strip()
        if name in context.known_roles or name == APPLICANT_ROLE:
            continue
        problems.append(
            problem_at(
                document,
                lane,
                f"Làn {lane.get('id')} có tên '{name}' không phải mã vai trò; đặt tên làn là một "
                f"trong: {', '.join(roles)}.",
                f"Lane {lane.get('id')} is named '{name}', which is not a role code; name the lane "
                f"one of: {', '.join(roles)}.",
                "unknown_role",
            )
        )
    return problems


def check_inline_forms(documents, package, context) -> list[Problem]:
    """camunda:formKey / camunda:formData describe forms this platform cannot render."""
    problems = []
    for document, element in executable_elements(
        documents, ".//*[@camunda:formKey] | .//*[bpmn:extensionElements/camunda:formData]"
    ):
        construct = (
            "camunda:formKey" if element.get(f"{{{CAMUNDA_NS}}}formKey") else "camunda:formData"
        )
        problems.append(
            problem_at(
                document,
                element,
                f"Phần tử {element.get('id')} dùng biểu mẫu {construct} của Camunda, không được hỗ "
                f"trợ; đưa biểu mẫu JSON vào thư mục {FORMS_DIR}/ và ghi tên tệp vào thuộc tính "
                f"{FORM_PROPERTY}.",
                f"Element {element.get('id')} uses a Camunda {construct} form, which is not "
                f"supported; ship a JSON form in {FORMS_DIR}/ and name it in the {FORM_PROPERTY} "
                "property.",
                "inline_form",
            )
        )
    return problems


def check_user_task_forms(documents, package: ProcedurePackage, context) -> list[Problem]:
    problems = []
    form_problems: dict[str, list[str]] = {}
    for document, task in executable_elements(documents, ".//bpmn:userTask"):
        names = document.xpath(
            f"bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
            f"[@name='{FORM_PROPERTY}']/@value",
            task,
        )
        name = names[0].strip() if names else ""
        if name.startswith(f"{FORMS_DIR}/"):
            name = name[len(FORMS_DIR) + 1 :]
        if not name:
            if not _has_inline_form(document, task):
                problems.append(_form_missing(document, task))
        elif name not in package.forms:
            problems.append(
                problem_at(
                    document,
                    task,
                    f"User task {task.get('id')} dùng biểu mẫu {name} nhưng gói không có tệp "
                    f"{FORMS_DIR}/{name}.",
                    f"User task {task.get('id')} uses form {name}, but the package has no file "
                    f"{FORMS_DIR}/{name}.",
                    "form_not_found",
                )
            )
        else:
            if name not in form_problems:
                form_problems[name] = _checked_form(context, package.forms[name])
            problems += [
                problem_at(
                    document,
                    task,
                    f"Biểu mẫu {FORMS_DIR}/{name} của user task {task.get('id')} không hợp lệ: "
                    f"{message}",
                    f"Form {FORMS_DIR}/{name} of user task {task.get('id')} is not valid: "
                    f"{message}",
                    "form_invalid",
                )
                for message in form_problems[name]
            ]
    return problems


def _checked_form(context: ValidationContext, form: object) -> list[str]:
    if not isinstance(form, dict):
        return ["biểu mẫu phải là một đối tượng JSON ({...})."]
    try:
        return list(context.check_form(form))
    except Exception as error:
        return [f"không kiểm tra được biểu mẫu ({type(error).__name__})."]


def _has_inline_form(document, task) -> bool:
    return bool(task.get(f"{{{CAMUNDA_NS}}}formKey")) or bool(
        document.xpath("bpmn:extensionElements/camunda:formData", task)
    )


def _form_missing(document, task) -> Problem:
    return problem_at(
        document,
        task,
        f"User task {task.get('id')} không có biểu mẫu: thêm thuộc tính {FORM_PROPERTY} ghi "
        f"tên một tệp JSON trong {FORMS_DIR}/.",
        f"User task {task.get('id')} has no form: add a {FORM_PROPERTY} property naming a "
        f"JSON file in {FORMS_DIR}/.",
        "form_missing",
    )


def check_service_tasks(documents, package, context: ValidationContext) -> list[Problem]:
    problems = []
    for document, task in executable_elements(documents, ".//bpmn:serviceTask"):
        camunda = [a for a in _CAMUNDA_IMPLEMENTATIONS if task.get(f"{{{CAMUNDA_NS}}}{a}")]
        operators = document.xpath("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", task)
        if camunda:
            problems.append(camunda_service_task(document, task, f"camunda:{camunda[0]}"))
        elif not operators:
            problems.append(missing_operator(document, task))
        else:
            operation = (operators[0].get("id") or "").strip()
            if operation not in context.known_operations:
                problems.append(_unknown_operation(document, task, operation, context))
            else:
                problems.extend(_undeclared_parameters(document, task, operators[0], context))
    return problems


def _undeclared_parameters(document, task, operator, context: ValidationContext) -> list[Problem]:
    """A parameter the operation does not declare would be dropped silently: refuse it."""
    operation = operator.get("id").strip()
    declared = context.operation_parameters.get(operation)
    if declared is None:
        return []
    names = [
        (parameter.get("id") or "").strip()
        for parameter in document.xpath(
            "spiffworkflow:parameters/spiffworkflow:parameter", operator
        )
    ]
    accepted = ", ".join(declared) or "(không có)"
    return [
        problem_at(
            document,
            task,
            f"Service task {task.get('id')} truyền tham số '{name}' mà thao tác {operation} không "
            f"nhận; các tham số được nhận: {accepted}.",
            f"Service task {task.get('id')} passes parameter '{name}', which operation "
            f"{operation} does not take; it takes: {', '.join(declared) or '(none)'}.",
            "undeclared_parameter",
        )
        for name in names
        if name not in declared
    ]


def camunda_service_task(document, task, construct: str) -> Problem:
    return problem_at(
        document,
        task,
        f"Service task {task.get('id')} dùng {construct} (mã Java/JUEL của Camunda), không chạy "
        "được ở đây; chọn một thao tác kết nối đã đăng ký (spiffworkflow:serviceTaskOperator).",
        f"Service task {task.get('id')} uses {construct} (Camunda Java/JUEL code), which cannot "
        "run here; pick a registered connector operation (spiffworkflow:serviceTaskOperator).",
        "camunda_service_task",
    )


def missing_operator(document, task) -> Problem:
    return problem_at(
        document,
        task,
        f"Service task {task.get('id')} không chọn thao tác kết nối nào; thêm "
        "spiffworkflow:serviceTaskOperator với mã một thao tác đã đăng ký.",
        f"Service task {task.get('id')} names no connector operation; add a "
        "spiffworkflow:serviceTaskOperator with the id of a registered operation.",
        "operator_missing",
    )


def _unknown_operation(document, task, operation: str, context) -> Problem:
    known = ", ".join(sorted(context.known_operations)) or "(chưa có)"
    known_en = ", ".join(sorted(context.known_operations)) or "(none)"
    return problem_at(
        document,
        task,
        f"Service task {task.get('id')} gọi thao tác '{operation}' chưa được đăng ký; dùng một "
        f"trong: {known}.",
        f"Service task {task.get('id')} calls operation '{operation}', which is not registered; "
        f"use one of: {known_en}.",
        "unknown_operation",
    )
