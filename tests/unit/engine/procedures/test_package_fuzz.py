"""Spoiled procedure packages through the engine's import: a clear Vietnamese refusal or a
valid package, never an exception, an entity expanded, or a crash hidden as a problem."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, event, given, settings

from engine.errors import InvalidInput
from engine.procedures.package import load_package_zip
from engine.procedures.publishing import validation_context
from engine.procedures.validation import validate_package
from tests.unit.engine.procedures.package_mutations import (
    LAUGHS,
    LEAK,
    XXE,
    package_files,
    spoiled_packages,
    zipped,
)
from tests.unit.webapp.fuzz.answers import VIETNAMESE


def test_the_unspoiled_package_is_valid():
    assert validate_package(load_package_zip(zipped(package_files())), validation_context()) == []


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=spoiled_packages())
def test_a_spoiled_package_is_refused_clearly(data):
    started = time.monotonic()
    try:
        package = load_package_zip(data)
    except InvalidInput as refused:
        event("refused on import")
        assert VIETNAMESE.search(refused.message), refused.message
        return
    problems = validate_package(package, validation_context())
    event(f"{(len(problems) and 'problems') or 'valid'}")
    assert time.monotonic() - started < 10, "an entity attack or a huge file took too long"
    for problem in problems:
        assert problem.rule != "check_failed", problem.message  # a crash, not a finding
        assert VIETNAMESE.search(problem.message), problem.message
        assert "Traceback" not in problem.message
        assert LEAK not in problem.message
    assert not any(LEAK.encode() in content for content in package.files.values())


def test_an_external_entity_is_refused_and_never_read():
    files = package_files()
    text = files["process.bpmn"].decode().split("?>", 1)[1]
    files["process.bpmn"] = (XXE + text.replace('name="', 'name="&xxe;', 1)).encode()
    [problem] = validate_package(load_package_zip(zipped(files)), validation_context())
    assert problem.rule == "xml_syntax"
    assert "không phải XML hợp lệ" in problem.message and LEAK not in problem.message


def test_a_billion_laughs_is_refused_at_once():
    files = package_files()
    text = files["process.bpmn"].decode().split("?>", 1)[1]
    files["process.bpmn"] = (LAUGHS + text.replace('name="', 'name="&lol9;', 1)).encode()
    started = time.monotonic()
    [problem] = validate_package(load_package_zip(zipped(files)), validation_context())
    assert problem.rule == "xml_syntax" and time.monotonic() - started < 2
