"""The BPMN runtime: parse a package, start, load and inspect workflows.

Nothing here touches the database; engine/dossiers/step.py wraps it in the step transaction.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.workflow.script_engine import PlatformScriptEngine
from engine.workflow.serialization import SPEC_CACHE, Specs, load_state
from engine.workflow.service_task import PlatformParser, PlatformServiceTask


def parse_specs(bpmn_sources: dict[str, str], dmn_sources: dict[str, str] | None = None):
    """Parse a package's BPMN into (process id, spec, subprocess specs).

    The caller has validated the package (engine/procedures/validation.py); errors here are bugs.
    """
    parser = PlatformParser(validator=VALIDATOR)
    for name, text in bpmn_sources.items():
        parser.add_bpmn_str(text.encode("utf-8"), filename=name)
    for name, text in (dmn_sources or {}).items():
        parser.add_dmn_str(text.encode("utf-8"), filename=name)
    process_ids = parser.get_process_ids()
    if len(process_ids) != 1:
        raise ValueError(f"expected one executable process, found {process_ids}")
    process_id = process_ids[0]
    return process_id, parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def start_workflow(specs: Specs, data: dict) -> BpmnWorkflow:
    spec, subprocess_specs = specs
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=PlatformScriptEngine())
    workflow.task_tree.data.update(data)
    return workflow


def load_workflow(cache_key: str, spec_text, state_text: str) -> BpmnWorkflow:
    """Restore a dossier's workflow; `cache_key` is the version's content hash."""
    workflow = load_state(state_text, SPEC_CACHE.get(cache_key, spec_text))
    workflow.script_engine = PlatformScriptEngine()
    return workflow


def find_task(workflow: BpmnWorkflow, spiff_task_id: str):
    try:
        return workflow.get_task_from_id(UUID(spiff_task_id))
    except Exception:
        return None


def open_user_tasks(workflow: BpmnWorkflow) -> list:
    """Tasks waiting for a person: ready user, manual and plain tasks."""
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def waiting_service_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.STARTED, spec_class=PlatformServiceTask)


def task_properties(task) -> dict:
    return (getattr(task.task_spec, "extensions", None) or {}).get("properties", {}) or {}


def task_title(task) -> str:
    return task.task_spec.bpmn_name or task.task_spec.bpmn_id


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest time a waiting timer will fire, so the worker can find it by index."""
    times = []
    for event in workflow.waiting_events():
        if event.event_type.endswith("TimerEventDefinition") and isinstance(event.value, str):
            try:
                times.append(datetime.fromisoformat(event.value))
            except ValueError:
                continue
    return min(times) if times else None


def fire_due_timers(workflow: BpmnWorkflow) -> list[str]:
    """Let every timer whose time has come fire; the names of those that changed the dossier's
    course (a consultation deemed agreed), so the history says which rule acted. A
    non-interrupting reminder is left unnamed: it only notifies, and the applicant need not
    read about the office's internal reminders."""
    waiting = [
        task
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
    ]
    workflow.refresh_timers()
    return [
        task.task_spec.bpmn_name or task.task_spec.bpmn_id
        for task in waiting
        if task.state in (TaskState.READY, TaskState.COMPLETED)
        and getattr(task.task_spec, "cancel_activity", True)
    ]


def end_status(workflow: BpmnWorkflow) -> str | None:
    """The dossierStatus of the last end event the workflow reached, if any says one."""
    reached = [
        task
        for task in workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
        if task_properties(task).get("dossierStatus")
    ]
    if not reached:
        return None
    reached.sort(key=lambda task: task.last_state_change)
    return task_properties(reached[-1])["dossierStatus"]
