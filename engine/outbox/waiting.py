"""Service tasks that wait: completed by a call's result, a provider's callback or a poll.

Every way a waiting task resumes goes through here, under the dossier's row lock, and checks
the outbox row's status after taking it: a callback racing the worker, a second delivery of the
same callback, or a poll arriving after the callback finds the row already done and changes
nothing (no second state change, no second notice).
"""

from __future__ import annotations

from collections.abc import Callable

from SpiffWorkflow.spiff.specs.event_definitions import ErrorEventDefinition
from sqlalchemy.orm import Session

from engine.dossiers.step import StepRecord, lock_dossier, run_step
from engine.outbox.models import DONE, PENDING, WAITING, OutboxMessage
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.workflow import runtime

#: operation -> what the engine records when a long-running call has started (a payment row);
#: (session, message, result) -> None, within the worker's transaction
CALL_STARTED: dict[str, Callable[[Session, OutboxMessage, dict], None]] = {}
#: operation -> what the engine records when a call has ended: (session, message, result), the
#: result being None when the provider refused for good; within the transaction marking it done
CALL_ENDED: dict[str, Callable[[Session, OutboxMessage, dict | None], None]] = {}


def start_waiting_call(session: Session, message_id: int, result: dict) -> None:
    """`perform` started a long-running call: its task keeps waiting for the provider."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message.status != PENDING:
        return
    message.status = WAITING
    message.result = result
    message.last_error = None
    started = CALL_STARTED.get(message.operation)
    if started is not None:
        started(session, message, result)


def complete_waiting_call(
    session: Session,
    message_id: int,
    result: dict,
    *,
    from_statuses: tuple[str, ...] = (WAITING,),
    record: StepRecord | None = None,
) -> bool:
    """Complete the call's waiting service task with `result` in a new step; mark the row done.

    Returns False, changing nothing, when the row was already done (a duplicate callback).
    """
    message = session.get(OutboxMessage, message_id)
    if message.dossier_id is not None and message.spiff_task_id is not None:
        dossier = lock_dossier(session, message.dossier_id)
        session.refresh(message)
        if message.status == DONE or message.status not in from_statuses:
            return False

        def resume(workflow) -> None:
            task = runtime.find_task(workflow, message.spiff_task_id)
            if task is None or task not in runtime.waiting_service_tasks(workflow):
                return
            task.data[task.task_spec.result_variable] = result
            task.complete()

        run_step(
            session,
            dossier,
            SYSTEM,
            resume,
            record or StepRecord(action="service_completed", task_title=message.operation),
        )
    elif message.status == DONE:
        return False
    message.status = DONE
    message.result = result
    message.done_at = utcnow()
    message.last_error = None
    ended = CALL_ENDED.get(message.operation)
    if ended is not None:
        ended(session, message, result)
    return True


def throw_service_error(session: Session, message: OutboxMessage, code: str, text: str) -> bool:
    """Let the call's waiting task throw BPMN error `code`; True when the diagram caught it."""
    if message.dossier_id is None or message.spiff_task_id is None:
        return False
    dossier = lock_dossier(session, message.dossier_id)
    caught = []

    def throw(workflow) -> None:
        task = runtime.find_task(workflow, message.spiff_task_id)
        if task is None or task not in runtime.waiting_service_tasks(workflow):
            return
        task.data["connector_error"] = {"code": code, "message": text}
        ErrorEventDefinition(code, code=code).throw(task)
        workflow.do_engine_steps()
        caught.append(task not in runtime.waiting_service_tasks(workflow))

    run_step(
        session,
        dossier,
        SYSTEM,
        throw,
        StepRecord(action="service_refused", task_title=message.operation, note=text),
    )
    return bool(caught and caught[0])
