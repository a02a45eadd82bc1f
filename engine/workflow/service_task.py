"""A service task that can wait: the call is performed by the worker after the step commits."""

from __future__ import annotations

import json

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.specs.defaults import ServiceTask


class PlatformServiceTask(ServiceTask):
    """Stays STARTED while its call is pending; the worker completes it with the result."""

    def _execute(self, task):
        result = task.workflow.script_engine.call_service(
            task,
            operation_name=self.operation_name,
            operation_params=self.evaluate_params(task),
        )
        if result is None:
            return None
        task.data[self.result_variable] = json.loads(result)
        return True


class PlatformParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, PlatformServiceTask),
    }
