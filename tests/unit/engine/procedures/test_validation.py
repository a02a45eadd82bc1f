"""Each folder under packages/ breaks one rule of a valid package; the problem must name the
element an administrator has to fix, in Vietnamese and English."""

import re
from pathlib import Path

import pytest

from engine.procedures.package import load_package_dir, package_from_files
from engine.procedures.validation import Problem, validate_package

PACKAGES = Path(__file__).parent / "packages"

#: package folder -> (rule, element id the problem must name)
BROKEN = {
    "xml_syntax": ("xml_syntax", None),
    "not_bpmn": ("not_bpmn", None),
    "duplicate_id": ("duplicate_id", "Task_receive"),
    "reserved_id": ("reserved_id", "End"),
    "not_executable": ("not_executable", "Process_test"),
    "executable_flag_missing": ("executable_flag_missing", "Process_test"),
    "several_executable": ("several_executable", "Process_other"),
    "missing_called_process": ("missing_called_process", "Task_compute"),
    "data_store": ("data_store", "DataStore_archive"),
    "dmn_decisions": ("dmn_decisions", "Decision_deadline"),
    "decision_missing": ("decision_missing", "Task_compute"),
    "unknown_role": ("unknown_role", "Lane_processing"),
    "form_missing": ("form_missing", "Task_receive"),
    "form_not_found": ("form_not_found", "Task_receive"),
    "form_invalid": ("form_invalid", "Task_receive"),
    "inline_form": ("inline_form", "Task_receive"),
    "form_key": ("inline_form", "StartEvent_1"),
    "unknown_operation": ("unknown_operation", "Task_notify"),
    "camunda_service_task": ("camunda_service_task", "Task_notify"),
    "operator_missing": ("operator_missing", "Task_notify"),
    "script_import": ("script", "Flow_accept"),
    "script_task_import": ("script", "Task_compute"),
    "parameter_import": ("script", "Task_notify"),
    "timer_import": ("script", "Timer_wait"),
    "juel": ("juel", "Flow_accept"),
    "flow_without_condition": ("flow_without_condition", "Flow_accept"),
    "empty_timer": ("empty_timer", "Timer_wait"),
    "message_ref_missing": ("message_ref_missing", "Timer_wait"),
    "signal_ref_missing": ("signal_ref_missing", "Timer_wait"),
    "unreachable": ("unreachable", "Task_orphan"),
    "no_end_event": ("no_end_event", "Process_test"),
    "unknown_status": ("unknown_status", "Task_receive"),
    "script_format": ("script_format", "Task_compute"),
    "multi_instance": ("engine", "Task_notify"),
}


def test_valid_package_has_no_problem(context):
    assert validate_package(load_package_dir(PACKAGES / "valid"), context) == []


def test_every_package_folder_is_covered():
    assert {p.name for p in PACKAGES.iterdir()} == set(BROKEN) | {"valid"}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_package_names_the_element(case, context):
    rule, element_id = BROKEN[case]
    problems = validate_package(load_package_dir(PACKAGES / case), context)

    matching = [p for p in problems if p.rule == rule and p.element_id == element_id]
    assert matching, problems
    problem = matching[0]
    if element_id is not None:
        assert element_id in problem.message
        assert element_id in problem.message_en
    assert problem.line is not None
    assert problem.file is not None
    assert problem.message != problem.message_en
    assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", problem.message)


def test_import_in_condition_is_reported_through_the_context(context):
    seen = []
    check_script = context.check_script

    def recording_check(source: str, mode: str) -> list[str]:
        seen.append((source, mode))
        return check_script(source, mode)

    context.check_script = recording_check
    problems = validate_package(load_package_dir(PACKAGES / "script_import"), context)

    assert ("__import__('os').system('id')", "eval") in seen
    assert ("fee = 0", "exec") in seen
    assert [p.element_id for p in problems] == ["Flow_accept"]
    assert "__import__" in problems[0].message


def test_juel_is_not_passed_to_the_script_checker(context):
    seen = []
    context.check_script = lambda source, mode: seen.append(source) or []
    problems = validate_package(load_package_dir(PACKAGES / "juel"), context)

    assert "${accepted}" not in seen
    assert "Python" in problems[0].message


def test_duplicate_id_reports_the_line_of_the_second_element(context):
    problems = validate_package(load_package_dir(PACKAGES / "duplicate_id"), context)
    duplicate = next(p for p in problems if p.rule == "duplicate_id")
    content = (PACKAGES / "duplicate_id" / "process.bpmn").read_text().splitlines()
    assert 'id="Task_receive"' in content[duplicate.line - 1]
    assert "bị trùng" in duplicate.message


def test_a_fault_both_spiff_and_the_xml_checks_find_is_reported_once(context):
    problems = validate_package(load_package_dir(PACKAGES / "missing_called_process"), context)
    assert [p.rule for p in problems] == ["missing_called_process"]


def test_a_broken_checker_becomes_a_problem_not_a_traceback(context):
    def exploding(source: str, mode: str) -> list[str]:
        raise RuntimeError("boom at 0x7f00deadbeef")

    context.check_script = exploding
    problems = validate_package(load_package_dir(PACKAGES / "valid"), context)
    assert problems
    assert all("0x" not in p.message and "0x" not in p.message_en for p in problems)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe garbage",
        b"<a>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;'
        b"</bpmn:definitions>",
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        b'<bpmn:process id="P" isExecutable="true"><bpmn:sequenceFlow id="F" /></bpmn:process>'
        b"</bpmn:definitions>",
    ],
)
def test_hostile_or_broken_bpmn_never_raises(content, context):
    package = package_from_files({"procedure.json": b"{}", "process.bpmn": content})
    problems = validate_package(package, context)
    assert problems
    assert all(isinstance(p, Problem) for p in problems)
    assert not any("root:" in p.message for p in problems)


def test_entity_declarations_are_refused_before_any_parsing(context):
    content = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;'
        b"</bpmn:definitions>"
    )
    package = package_from_files({"procedure.json": b"{}", "process.bpmn": content})
    assert [p.rule for p in validate_package(package, context)] == ["doctype"]


def test_package_without_diagram(context):
    problems = validate_package(package_from_files({"procedure.json": b"{}"}), context)
    assert [p.rule for p in problems] == ["no_bpmn"]
