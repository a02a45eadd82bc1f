import os
import threading
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.workflow.scripting import (
    RestrictedEnvironment,
    ScriptFailed,
    ScriptRefused,
    check_source,
)


@pytest.fixture
def environment():
    return RestrictedEnvironment({"date": date, "datetime": datetime, "timedelta": timedelta})


DOSSIER = {
    "decision": "accept",
    "missing": [],
    "fee": 150_000,
    "documents": [{"name": "CCCD", "pages": 2}, {"name": "Đơn", "pages": 3}],
    "applicant": {"name": "Nguyễn Văn A", "district": "Ba Đình"},
    "received": date(2025, 3, 3),
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('decision == "accept" and len(missing) == 0', True),
        ('decision != "accept" or len(missing) > 0', False),
        ("fee * 2 + 1_000 - fee // 3 ** 2", 284_334),
        ("fee % 7 == 150_000 % 7 and -fee < 0", True),
        ('applicant["name"].upper().startswith("NGUYỄN")', True),
        ('applicant.get("ward", "chưa có")', "chưa có"),
        ('"Ba" in applicant["district"] and "x" not in applicant["district"]', True),
        ('sum(d["pages"] for d in documents)', 5),
        ('sorted([d["name"] for d in documents], key=lambda n: len(n))', ["Đơn", "CCCD"]),
        ('max(documents, key=lambda d: d["pages"])["name"]', "Đơn"),
        ('min(len(d["name"]) for d in documents)', 3),
        ('any(d["pages"] > 2 for d in documents) and all(d["pages"] for d in documents)', True),
        ("round(fee / 7, 2)", 21428.57),
        ('int("12") + float("0.5") + bool(missing) + len(str(fee))', 18.5),
        ('", ".join(d["name"] for d in documents)', "CCCD, Đơn"),
        ('{d["name"]: d["pages"] for d in documents}["CCCD"]', 2),
        ("documents[-1:][0]['pages'] if documents else 0", 3),
        ('f"{fee:,} đồng"', "150,000 đồng"),
        ("received + timedelta(days=10)", date(2025, 3, 13)),
        ("(date(2025, 3, 10) - received).days", 7),
        ("received.weekday()", 0),
        ('received.strftime("%d/%m/%Y")', "03/03/2025"),
        ('datetime.strptime("03/03/2025", "%d/%m/%Y").date() == received', True),
        ('"PT1H"', "PT1H"),
        ('isinstance(decision, str) and str(fee) + repr("x") == "150000\'x\'"', True),
        ("[*missing, *documents][0]['pages'] + (lambda *a: len(a))(*documents)", 4),
        ('"%s: %d trang" % (documents[0]["name"], documents[0]["pages"])', "CCCD: 2 trang"),
    ],
)
def test_allowed_expression_gives_its_value(environment, expression, expected):
    assert check_source(expression, "eval") == []
    assert environment.evaluate(expression, dict(DOSSIER)) == expected


def test_script_sets_and_deletes_task_data_but_leaves_no_helpers(environment):
    data = {"documents": DOSSIER["documents"], "scratch": 1, "count": 1}
    environment.execute(
        "def pages(doc):\n"
        '    return doc["pages"]\n'
        "total = 0\n"
        "for doc in documents:\n"
        "    total += pages(doc)\n"
        "count += 1\n"
        "deadline = date(2025, 3, 3) + timedelta(days=total)\n"
        "by_name = sorted(documents, key=lambda d: d['name'])\n"
        "del scratch\n",
        data,
    )
    assert data["total"] == 5
    assert data["count"] == 2
    assert data["deadline"] == date(2025, 3, 8)
    assert [d["name"] for d in data["by_name"]] == ["CCCD", "Đơn"]
    assert "scratch" not in data
    assert not {"pages", "date", "datetime", "timedelta", "__builtins__"} & set(data)


def test_failed_script_leaves_task_data_as_it_was(environment):
    data = {"fee": 10}
    with pytest.raises(ScriptFailed) as failure:
        environment.execute("fee = 20\nratio = fee / 0\n", data)
    assert data == {"fee": 10}
    assert failure.value.message_vi == "Dòng 2: Phép chia cho 0."
    assert failure.value.args[0] == failure.value.message_vi  # SpiffWorkflow concatenates it


def test_task_data_named_like_a_helper_is_reported(environment):
    with pytest.raises(ScriptFailed, match="date"):
        environment.execute("x = 1", {"date": "2025-01-01"})


FORBIDDEN = [
    "import os",
    "from os import system",
    "__import__('os')",
    "open('/etc/passwd').read()",
    "eval('1 + 1')",
    "exec('x = 1')",
    "compile('1', 'x', 'eval')",
    "getattr(fee, '__class__')",
    "getattr",
    "().__class__.__base__.__subclasses__()",
    "fee.__class__",
    "globals()",
    "vars()",
    "locals()",
    "_private",
    "dir()",
    "breakpoint()",
]


@pytest.mark.parametrize("source", FORBIDDEN)
def test_forbidden_expression_is_refused_at_upload_and_at_run_time(environment, source):
    mode = "exec" if source.startswith(("import", "from")) else "eval"
    problems = check_source(source, mode)
    assert problems and all(p.startswith("Dòng 1: Không được") for p in problems)
    with pytest.raises(ScriptRefused) as refusal:
        environment.execute(source, {"fee": 1})
    assert refusal.value.problems == problems
    if mode == "eval":
        with pytest.raises(ScriptRefused):
            environment.evaluate(source, {"fee": 1})


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    x = 1\nexcept Exception:\n    pass",
        "class Form:\n    pass",
        "print(fee)",
        "x = f'{fee:>{fee}}'",
        "data['n'] += 1",
    ],
)
def test_statements_that_escape_the_budget_or_serve_nothing_are_refused(environment, source):
    assert check_source(source, "exec")
    with pytest.raises(ScriptRefused):
        environment.execute(source, {"fee": 1, "data": {"n": 0}})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("'{}'.format(fee)", 'thuộc tính "format" của str'),
        ("(1).to_bytes(10, 'big')", 'thuộc tính "to_bytes" của int'),
        ("str.join('', ['a'])", 'thuộc tính "join" của str'),
        ("type(fee)", 'Không có biến "type"'),
        ("tool.system", 'thuộc tính "system"'),
        ("missing_field + 1", 'Không có biến "missing_field"'),
    ],
)
def test_runtime_guards_refuse_what_the_compiler_cannot_see(source, message):
    environment = RestrictedEnvironment({"tool": SimpleNamespace(system=os)})
    assert check_source(source, "eval") == []
    with pytest.raises(ScriptFailed, match=message):
        environment.evaluate(source, {"fee": 1})


def test_modules_cannot_be_handed_to_scripts():
    with pytest.raises(TypeError, match="os"):
        RestrictedEnvironment({"os": os})


RUNAWAY = [
    "while True: pass",
    "x = 10**10**10",
    "x = [0]*10**10",
    "x = 'a' * 10**10",
    "x = 1 << 10**10",
    "x = pow(10, 10**10)",
    "x = sum(range(10**12))",
    "x = [i for i in range(10**6) for j in range(10**6)]",
    "x = 3\nwhile True:\n    x = x * x",
    "s = 'ab' * 1000\nwhile True:\n    s = s.replace('a', s)",
    "s = 'ab' * 1000\nwhile True:\n    s = s + s",
    "x = '%*d' % (10**9, 1)",
    "x = 'a'.ljust(10**10)",
    "x = '-'.join(['a' * 10**6] * 10**6)",
    "x = sum([[0] * 10**6] * 10**6, [])",
    "x = str(['a' * 10**6] * 10**6)",
    "x = f\"{['a' * 10**6] * 10**6}\"",
    "x = '%s' % [['a' * 10**6] * 10**6]",
    "s = 'a' * 10**6\nwhile True:\n    s = f'{s}{s}'",
    "x = [0] * 10**6\nwhile True:\n    x = [*x, *x]",
    "x = [0] * 10**6\nwhile True:\n    x.extend(x)",
    "def f(n):\n    return f(n + 1) + 1\nf(0)",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nf(100)",
    "x = sorted(range(10**6), key=lambda v: sorted(range(10**6)))",
]


@pytest.mark.parametrize("source", RUNAWAY)
def test_runaway_script_is_stopped_within_a_second(environment, source):
    assert check_source(source, "exec") == []
    started = time.monotonic()
    with pytest.raises(ScriptFailed) as failure:
        environment.execute(source, {})
    assert time.monotonic() - started < 1.0
    assert failure.value.message_vi.startswith("Dòng ")


def test_runaway_script_is_stopped_in_a_worker_thread(environment):
    outcome = []

    def run():
        try:
            environment.execute("n = 0\nwhile True:\n    n += 1", {})
        except ScriptFailed as exc:
            outcome.append(exc.message_vi)

    worker = threading.Thread(target=run)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=5)
    assert time.monotonic() - started < 1.0
    assert outcome == [
        "Dòng 2: Kịch bản chạy quá lâu (quá 0,5 giây hoặc quá nhiều vòng lặp) và đã bị dừng."
    ]


def test_check_source_reports_syntax_errors_in_vietnamese():
    assert check_source("decision ==", "eval") == ["Dòng 1: Lỗi cú pháp (invalid syntax)."]
    assert check_source("  decision == 'accept'\n", "eval") == []


PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="definitions" targetNamespace="http://motcua.test">
  <bpmn:process id="review" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="decide"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gate" default="to_rejected">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>to_wait</bpmn:outgoing><bpmn:outgoing>to_rejected</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="gate"/>
    <bpmn:sequenceFlow id="to_wait" sourceRef="gate" targetRef="wait">
      <bpmn:conditionExpression>
        decision == "accept" and len(missing) == 0
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_rejected" sourceRef="gate" targetRef="rejected"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:incoming>to_wait</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="accepted"/>
    <bpmn:endEvent id="accepted"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="rejected"><bpmn:incoming>to_rejected</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""

DECIDE = (
    'decision = "accept" if score >= 5 else "reject"\n'
    "missing = [d for d in required if d not in submitted]"
)


def run_review(script, **data):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(PROCESS.replace("{script}", escape(script)).encode())
    engine = PythonScriptEngine(environment=RestrictedEnvironment())
    workflow = BpmnWorkflow(parser.get_spec("review"), script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    workflow.do_engine_steps()
    return workflow


def completed(workflow):
    return {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}


def test_workflow_runs_script_condition_and_timer_expression():
    workflow = run_review(DECIDE, score=7, required=["don"], submitted=["don", "cccd"])
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    assert [t.task_spec.name for t in waiting] == ["wait"]
    assert waiting[0].data["decision"] == "accept"
    assert waiting[0].data["missing"] == []
    [event] = workflow.waiting_events()
    fires_at = datetime.fromisoformat(event.value)
    assert abs(fires_at - datetime.now(UTC) - timedelta(hours=1)) < timedelta(minutes=1)


def test_workflow_takes_default_flow_when_condition_is_false():
    workflow = run_review(DECIDE, score=7, required=["don"], submitted=[])
    assert workflow.is_completed()
    assert "rejected" in completed(workflow)
    assert "accepted" not in completed(workflow)


@pytest.mark.parametrize(
    ("script", "refusal"),
    [
        ("x = ().__class__.__base__.__subclasses__()", ScriptRefused),
        ("import os\nos.system('true')", ScriptRefused),
        ("x = 10**10**10", ScriptFailed),
    ],
)
def test_escaping_script_fails_the_workflow_with_the_platform_error(script, refusal):
    with pytest.raises(WorkflowTaskException) as failure:
        run_review(script, score=7, required=[], submitted=[])
    assert isinstance(failure.value.__context__, refusal)
    assert failure.value.error_type == refusal.__name__
    assert failure.value.task.task_spec.name == "decide"
