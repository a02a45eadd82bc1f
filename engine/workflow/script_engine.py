"""The platform's script engine: restricted evaluation and service-task dispatch.

SpiffWorkflow 3.2.0's stock `call_service` error path raises `NameError` (it names a variable
that does not exist) and hides the cause; this one says which operation failed and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from connectors.registry import find_operation
from engine.workflow.scripting import RestrictedEnvironment

#: one environment for every step: it caches compiled expressions and holds no step state
_ENVIRONMENT = RestrictedEnvironment({"date": date, "datetime": datetime, "timedelta": timedelta})


@dataclass(frozen=True)
class ServiceCall:
    """A connector call asked for during a step; it becomes an outbox row."""

    spiff_task_id: str
    bpmn_id: str
    operation: str
    payload: dict
    waits_for_result: bool


class PlatformScriptEngine(PythonScriptEngine):
    """One instance per step: it collects the service calls the step asks for."""

    def __init__(self) -> None:
        super().__init__(environment=_ENVIRONMENT)
        self.service_calls: list[ServiceCall] = []

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        operation = find_operation(operation_name)
        if operation is None:
            raise WorkflowTaskException(
                f"Không có kết nối '{operation_name}' (no connector named {operation_name!r})",
                task=task,
            )
        params = operation_params or {}
        # only what the operation declares reaches it (publishing refuses any other name)
        payload = {name: params[name]["value"] for name in operation.parameters if name in params}
        self.service_calls.append(
            ServiceCall(
                spiff_task_id=str(task.id),
                bpmn_id=task.task_spec.bpmn_id,
                operation=operation.name,
                payload=payload,
                waits_for_result=operation.waits_for_result,
            )
        )
        if operation.waits_for_result:
            return None
        return json.dumps({"queued": True})
