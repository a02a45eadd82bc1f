"""The third-party BPMN corpus (see its README): every case gets the platform verdict its
"Expected on platform" column gives, and no file makes validation raise."""

import json
import re
from pathlib import Path

import pytest

from engine.procedures.package import package_from_files
from engine.procedures.validation import validate_package

REPOSITORY = Path(__file__).resolve().parents[4]
CORPUS = REPOSITORY.parent / "shared" / "corpus" / "bpmn"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "manifest.json").is_file(),
    reason=f"third-party BPMN corpus not found at {CORPUS} (expected beside the repository)",
)

#: refused cases -> element ids the README's "Expected on platform" column names
REFUSED_IDS = {
    "spiffworkflow/service_task.bpmn": {"Activity-1inxqgx", "Activity_12erefa"},
    "sample-process-models/submit-invoice1.bpmn": {
        "Activity_1hdxh4e",
        "Activity_0vjn1x3",
        "Activity_0jewccr",
    },
    "mainProcess.bpmn alone": {"CallActivity_0ahffuc"},
    "camunda-bpm-examples/invoiceApproval.bpmn": {"StartEvent_1", "UserTask_1"},
    "camunda-bpm-examples/synchronousServiceInvocation.bpmn": {"ServiceTask_1"},
    "camunda-bpm-examples/camunda-testing-job-announcement.bpmn": {"mail", "publication"},
    # The README also names archiveInvoice and invoiceClarification, which are not in this
    # file; its camunda:class task "Archive Invoice" has the id ServiceTask_1.
    "camunda-bpm-platform/invoice.v2.bpmn": {
        "FinancialAccountingSystem",
        "assignApprover",
        "ServiceTask_1",
    },
    "reviewInvoice.bpmn alone": {"assignReviewer", "reviewInvoice"},
    "bpmn-js-token-simulation/Simulator.loop.bpmn": {"End", "Wait"},
    "bpmn-js-token-simulation/Simulator.message-flow-send-receive.bpmn": {"Process_B"},
    "bpmn-js-examples/pizza-collaboration.bpmn": {"_6-1", "_6-2"},
    "spiffworkflow/non-executable-process.bpmn": {"Process_14di7kj"},
    "spiffworkflow/data_object_invalid.bpmn": {"DataObjectReference_0cm8dnh", "generate_data"},
    "spiffworkflow/parallel_multiinstance_invalid.bpmn": {"any_task"},
    "bpmn-moddle/duplicate-ids.bpmn": {"test"},
    "bpmn-moddle/not-bpmn.bpmn": set(),
    "sample-process-models/C.1.0.bpmn": {"Event_12foytr", "Flow_0b220qw", "Process_0uu8cqa"},
}

#: published cases -> the only rules they may break: they were not written for this platform,
#: so their lanes are not our roles and their forms are Camunda's or missing.
PUBLISHED_RULES = {
    "spiffworkflow/lanes.bpmn": {"unknown_role", "inline_form"},
    "spiffworkflow/collaboration.bpmn": set(),
    "spiffworkflow/correlation.bpmn": set(),
    "spiffworkflow/event-gateway.bpmn": set(),
    "spiffworkflow/inclusive_gateway.bpmn": {"form_missing"},
    "spiffworkflow/boundary.bpmn": {"inline_form"},
    "spiffworkflow/timer-non-interrupt-boundary.bpmn": {"inline_form"},
    "spiffworkflow/business_rule_task.bpmn": set(),
    "spiffworkflow/random_fact.bpmn": {"inline_form"},
    "camunda-bpm-examples/mainProcess.bpmn": {"form_missing"},
}


def manifest_cases() -> list[dict]:
    if not (CORPUS / "manifest.json").is_file():
        return []
    return json.loads((CORPUS / "manifest.json").read_text())["cases"]


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.suffix in (".bpmn", ".dmn")
    )


def case_package(case: dict):
    """Diagrams and decisions at the top, companion JSON files as forms."""
    files = {"procedure.json": b"{}"}
    for path in case["bpmn"] + case["dmn"]:
        files[Path(path).name] = (CORPUS / path).read_bytes()
    for path in case["extra"]:
        files[f"forms/{Path(path).name}"] = (CORPUS / path).read_bytes()
    return package_from_files(files)


@pytest.fixture
def context(context):
    """The corpus ships no motcua forms: only form files themselves are judged elsewhere."""
    context.check_form = lambda form: []
    return context


def test_every_case_has_an_expectation_here():
    cases = {case["case"]: case["expected"] for case in manifest_cases()}
    assert {c for c, e in cases.items() if e.startswith("refuse")} == set(REFUSED_IDS)
    assert {c for c, e in cases.items() if e.startswith("publish")} == set(PUBLISHED_RULES)


@pytest.mark.parametrize("case", manifest_cases(), ids=lambda case: case["case"])
def test_case_gets_its_expected_verdict(case, context):
    problems = validate_package(case_package(case), context)
    if case["expected"].startswith("refuse"):
        assert problems
        named = {p.element_id for p in problems}
        assert REFUSED_IDS[case["case"]] <= named, problems
    else:
        unexplained = [p for p in problems if p.rule not in PUBLISHED_RULES[case["case"]]]
        assert unexplained == []


@pytest.mark.parametrize("path", corpus_files())
def test_any_corpus_file_alone_never_raises(path, context):
    name = Path(path).name
    package = package_from_files({"procedure.json": b"{}", name: (CORPUS / path).read_bytes()})
    problems = validate_package(package, context)
    for problem in problems:
        assert not re.search(r"0x[0-9a-f]{6,}", problem.message + problem.message_en)
        assert "Traceback" not in problem.message_en


def test_form_checker_is_given_the_shipped_json_forms(context):
    case = next(c for c in manifest_cases() if c["case"].endswith("submit-invoice1.bpmn"))
    context.check_form = lambda form: [] if "schema" in form else ["thiếu khoá 'schema'."]
    problems = validate_package(case_package(case), context)
    refused_forms = [p for p in problems if p.rule == "form_invalid"]
    assert refused_forms
    assert all("schema" in p.message for p in refused_forms)
