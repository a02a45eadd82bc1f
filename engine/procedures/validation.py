"""Validate an uploaded procedure package before anything is stored.

`validate_package` returns every problem it can find, each naming the element to fix, in
Vietnamese and English. It never raises: publishing must never end in a traceback, so a check
that breaks on strange input becomes a problem of its own and the other checks still run.
"""

from collections.abc import Callable

from engine.procedures import (
    bpmn_checks,
    expression_checks,
    reachability,
    task_checks,
)
from engine.procedures.blank_forms import check_blank_forms
from engine.procedures.bpmn_schema import check_schema, parse_xml
from engine.procedures.package import ProcedurePackage
from engine.procedures.problems import (
    BpmnDocument,
    Problem,
    ValidationContext,
    clean_text,
)
from engine.procedures.spiff_parse import check_with_spiff

__all__ = ["Problem", "ValidationContext", "validate_package"]

Check = Callable[[list[BpmnDocument], ProcedurePackage, ValidationContext], list[Problem]]

#: Rules read from the XML; each is a small function in its own module.
CHECKS: tuple[Check, ...] = (
    bpmn_checks.check_reserved_ids,
    bpmn_checks.check_executable_processes,
    bpmn_checks.check_gateway_conditions,
    bpmn_checks.check_timers,
    bpmn_checks.check_event_references,
    bpmn_checks.check_call_activities,
    bpmn_checks.check_data_stores,
    bpmn_checks.check_data_references,
    bpmn_checks.check_business_rules,
    bpmn_checks.check_statuses,
    task_checks.check_lanes,
    task_checks.check_inline_forms,
    task_checks.check_user_task_forms,
    task_checks.check_service_tasks,
    expression_checks.check_script_formats,
    expression_checks.check_expressions,
    reachability.check_reachability,
)


def validate_package(package: ProcedurePackage, context: ValidationContext) -> list[Problem]:
    """All problems of the package, in file order, each reported once; [] means publishable."""
    try:
        problems = _validate(package, context)
    except Exception as error:
        problems = [_broken_check("validate_package", error)]
    return list(dict.fromkeys(problems))


def _validate(package: ProcedurePackage, context: ValidationContext) -> list[Problem]:
    blank_form_problems = _guarded_list(check_blank_forms, package)
    return _validate_bpmn(package, context) + blank_form_problems


def _validate_bpmn(package: ProcedurePackage, context: ValidationContext) -> list[Problem]:
    if not package.bpmn_files:
        return [
            Problem(
                None,
                "Gói thủ tục không có tệp sơ đồ .bpmn nào.",
                "The package has no .bpmn diagram.",
                rule="no_bpmn",
            )
        ]
    documents: list[BpmnDocument] = []
    problems: list[Problem] = []
    for file in package.bpmn_files:
        document, file_problems = _guarded(parse_xml, file, package.files[file])
        problems += file_problems
        if document is not None:
            documents.append(document)
            problems += _guarded_list(check_schema, document, package.files[file])
    if not documents:
        return problems
    for check in CHECKS:
        problems += _guarded_list(check, documents, package, context)
    problems += _guarded_list(check_with_spiff, documents, package)
    return problems


def _guarded(function, *args):
    try:
        return function(*args)
    except Exception as error:
        return None, [_broken_check(function.__name__, error)]


def _guarded_list(function, *args) -> list[Problem]:
    try:
        return list(function(*args))
    except Exception as error:
        return [_broken_check(function.__name__, error)]


def _broken_check(name: str, error: Exception) -> Problem:
    detail = clean_text(f"{type(error).__name__}: {error}")[:300]
    return Problem(
        None,
        f"Không kiểm tra được gói thủ tục ({name}): {detail}. Hãy kiểm tra lại sơ đồ trong "
        "trình vẽ BPMN.",
        f"The package could not be checked ({name}): {detail}. Check the diagram in the BPMN "
        "editor.",
        rule="check_failed",
    )
