"""Stand-ins for the restricted evaluator's and the form loader's checkers."""

import pytest

from engine.procedures.validation import ValidationContext


def fake_check_script(source: str, mode: str) -> list[str]:
    """Stands in for the restricted evaluator's checker: refuses imports, compiles the rest."""
    if "__import__" in source:
        return ["không được dùng __import__."]
    try:
        compile(source, "<bpmn>", mode)
    except SyntaxError as error:
        return [f"lỗi cú pháp Python: {error.msg}."]
    return []


def fake_check_form(form: dict) -> list[str]:
    return [] if "schema" in form else ["thiếu khoá 'schema'."]


@pytest.fixture
def context() -> ValidationContext:
    return ValidationContext(
        known_roles={"reception", "processing", "leader", "agency_leader"},
        known_operations={"notify/applicant"},
        check_script=fake_check_script,
        check_form=fake_check_form,
        known_statuses={"received", "finished", "refused"},
    )
