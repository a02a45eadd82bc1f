"""A trial run: walk a package's workflow in memory with sample data and report the path.

Nothing is stored and nothing is sent: the workflow lives only for the call, user tasks are
completed with sample data (the form's defaults / first choices, or what the administrator
pasted), and service tasks get a stub result marked as such instead of calling a connector
(the platform's script engine only collects calls; no outbox row is written). Timers are not
waited for; a run stops at the end, at a step limit, at a waiting timer or message, or at the
first script or condition error, and says which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow import TaskState
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.dossiers.interagency import AGENCY_VARIABLE
from engine.errors import InvalidInput
from engine.procedures.problems import BPMN_NS, clean_text
from engine.procedures.sample_data import sample_from_form
from engine.workflow import runtime
from engine.workflow.diagram import diagram_states, render_diagram

MAX_STEPS = 100
#: how a step's data came about: sample data typed in, or a connector's stub result
SAMPLE, STUB = "mẫu", "giả lập"
#: what a service task's result variable holds in a trial run
STUB_RESULT = {"ket_qua_gia_lap": True, "note": "Kết quả giả lập của lần chạy thử"}
KIND_LABELS = {
    "startEvent": "Sự kiện bắt đầu",
    "endEvent": "Sự kiện kết thúc",
    "userTask": "Công việc",
    "manualTask": "Công việc thủ công",
    "task": "Công việc",
    "serviceTask": "Gọi kết nối",
    "scriptTask": "Tính toán",
    "businessRuleTask": "Bảng quyết định",
    "exclusiveGateway": "Rẽ nhánh",
    "inclusiveGateway": "Rẽ nhánh nhiều hướng",
    "parallelGateway": "Song song",
    "eventBasedGateway": "Rẽ nhánh theo sự kiện",
    "intermediateCatchEvent": "Sự kiện chờ",
    "intermediateThrowEvent": "Sự kiện phát",
    "boundaryEvent": "Sự kiện biên",
    "callActivity": "Quy trình con",
    "subProcess": "Quy trình con",
}


@dataclass
class TrialStep:
    element_id: str
    name: str
    kind: str
    lane: str = ""
    #: the data a user task was completed with, or a service task's stub result
    data: dict = field(default_factory=dict)
    #: "mẫu" (sample data), "giả lập" (stub connector result) or ""
    note: str = ""
    #: the agency code a liên thông task (agencyCodeVariable) would be offered to
    agency_code: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def data_text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2)


@dataclass
class TrialRun:
    steps: list[TrialStep]
    #: element id -> completed / current, for engine/workflow/diagram.render_diagram
    states: dict[str, str]
    finished: bool
    #: why the run stopped, in Vietnamese
    outcome: str
    #: the dossier status of the end event reached, if it names one
    end_status: str | None = None


def trial_run(
    files: dict[str, str], sample: dict | None = None, *, max_steps: int = MAX_STEPS
) -> TrialRun:
    """Run the package (path -> text, as a version or draft keeps it) with sample data.

    `sample` maps "application" to the applicant's form data and a user task's element id to
    the data it is completed with; both are laid over the form's own samples.
    """
    sample = sample or {}
    bpmn = {path: text for path, text in files.items() if path.lower().endswith(".bpmn")}
    dmn = {path: text for path, text in files.items() if path.lower().endswith(".dmn")}
    record = _json(files.get("procedure.json", "{}"))
    application = _form_sample(files, record.get("applicant_form"))
    application |= sample.get("application") or {}
    _, spec, subprocess_specs = runtime.parse_specs(bpmn, dmn)
    # a trial run is an online submission unless the sample says otherwise (channel 1 or 3)
    start_data = {"application": application, "channel": int(sample.get("channel") or 2)}
    workflow = runtime.start_workflow((spec, subprocess_specs), start_data)
    given: dict[str, tuple[dict, str]] = {}
    outcome = _walk(workflow, files, sample, given, max_steps)
    return TrialRun(
        steps=_path(workflow, _element_kinds(bpmn.values()), given),
        states=diagram_states(workflow, next(iter(bpmn.values()))),
        finished=workflow.is_completed(),
        outcome=outcome,
        end_status=runtime.end_status(workflow),
    )


def _walk(workflow, files: dict, sample: dict, given: dict, max_steps: int) -> str:
    """Complete one waiting task at a time until the end; `given` collects what each got."""
    done = 0
    try:
        workflow.do_engine_steps()
        while not workflow.is_completed():
            if done >= max_steps:
                return f"Dừng sau {max_steps} bước (giới hạn của lần chạy thử): có vòng lặp?"
            ready = runtime.open_user_tasks(workflow)
            services = runtime.waiting_service_tasks(workflow)
            if services:
                task = services[0]
                task.data[task.task_spec.result_variable] = dict(STUB_RESULT)
                given[str(task.id)] = (dict(STUB_RESULT), STUB)
                task.complete()
            elif ready:
                task = ready[0]
                properties = runtime.task_properties(task)
                data = _form_sample(files, properties.get("formJsonSchemaFilename"))
                data |= sample.get(task.task_spec.bpmn_id) or {}
                task.data.update(data)
                given[str(task.id)] = (data, SAMPLE)
                task.run()
            else:
                return "Dừng: quy trình chờ hẹn giờ hoặc thông điệp, lần chạy thử không chờ."
            done += 1
            workflow.do_engine_steps()
    except SpiffWorkflowException as error:
        element = getattr(getattr(error, "task_spec", None), "bpmn_id", None) or ""
        return f"Dừng vì lỗi tại {element}: {clean_text(str(error))}."
    finally:
        for call in workflow.script_engine.service_calls:
            given.setdefault(call.spiff_task_id, ({"operation": call.operation}, STUB))
    return "Quy trình đi đến sự kiện kết thúc."


def _path(workflow, kinds: dict[str, str], given: dict) -> list[TrialStep]:
    """The BPMN elements the run completed, in the order they completed."""
    completed = [
        task
        for task in workflow.get_tasks(state=TaskState.COMPLETED)
        if getattr(task.task_spec, "bpmn_id", None) in kinds
    ]
    completed.sort(key=lambda task: task.last_state_change)
    steps = []
    for task in completed:
        data, note = given.get(str(task.id), ({}, ""))
        if note == STUB and "operation" not in data:
            data = {"operation": getattr(task.task_spec, "operation_name", "")} | data
        steps.append(
            TrialStep(
                element_id=task.task_spec.bpmn_id,
                name=task.task_spec.bpmn_name or "",
                kind=kinds[task.task_spec.bpmn_id],
                lane=task.task_spec.lane or "",
                data=data,
                note=note,
                agency_code=_agency_code(task),
            )
        )
    return steps


def _agency_code(task) -> str:
    variable = runtime.task_properties(task).get(AGENCY_VARIABLE)
    return str(task.data.get(variable) or "") if variable else ""


def _element_kinds(documents) -> dict[str, str]:
    kinds = {}
    for text in documents:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(text.encode("utf-8"), parser)
        for element in root.iter(f"{{{BPMN_NS}}}*"):
            if element.get("id"):
                kinds[element.get("id")] = etree.QName(element).localname
    return kinds


def _form_sample(files: dict[str, str], form_name: str | None) -> dict:
    if not form_name or f"forms/{form_name}" not in files:
        return {}
    return sample_from_form(_json(files[f"forms/{form_name}"]))


def _json(text: str) -> dict:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def preview_diagram(files: dict[str, str], states: dict[str, str] | None = None) -> str | None:
    """The package's diagram as SVG (the path of a trial run marked), or None without
    coordinates: a package drawn without a modeller still publishes, it just has no picture."""
    bpmn = [text for path, text in sorted(files.items()) if path.lower().endswith(".bpmn")]
    if not bpmn:
        return None
    try:
        return render_diagram(bpmn[0], states or {})
    except ValueError:
        return None


def parse_sample(text: str) -> dict:
    """The administrator's pasted sample data: a JSON object, or a Vietnamese InvalidInput."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"Dữ liệu mẫu không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}).",
            {"sample": 'Nhập một đối tượng JSON, ví dụ {"Task_Approval": {...}}.'},
        ) from error
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise InvalidInput(
            "Dữ liệu mẫu phải là một đối tượng JSON: mã phần tử → dữ liệu của công việc.",
            {"sample": "Mỗi giá trị phải là một đối tượng JSON."},
        )
    return value
