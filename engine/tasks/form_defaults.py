"""What an officer's task form starts with, before they type anything.

A reception form that asks for the fee's receipt number (`fee_receipt_number`, in the shipped
household-business and building-permit procedures) starts with the e-receipt's when the fee was
already paid through the system (online, or in cash at the counter's "thu lệ phí" button): the
officer checks it instead of copying it from another screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.procedures.form_data import version_form
from engine.receipts.queries import dossier_receipt
from engine.tasks.models import Task
from engine.tasks.queries import get_task
from engine.users.actor import Actor
from engine.users.models import User
from forms.definition import FormDefinition

FEE_RECEIPT_FIELD = "fee_receipt_number"


@dataclass(frozen=True)
class TaskForm:
    """A task as its worker opens it: its form (None for a task without one), what the form
    starts with, and who holds the task."""

    task: Task
    form: FormDefinition | None
    defaults: dict[str, str]
    assignee: User | None


def get_task_form(session: Session, actor: Actor, task_id: int) -> TaskForm:
    """The task page's content, for a task the actor may work on; NotFound otherwise."""
    task = get_task(session, actor, task_id)
    form = version_form(task.dossier.procedure_version, task.form_name) if task.form_name else None
    defaults = task_form_defaults(session, task, form) if form is not None else {}
    assignee = session.get(User, task.assignee_id) if task.assignee_id is not None else None
    return TaskForm(task, form, defaults, assignee)


def task_form_defaults(session: Session, task: Task, form: FormDefinition) -> dict[str, str]:
    if FEE_RECEIPT_FIELD not in form.schema.get("properties", {}):
        return {}
    receipt = dossier_receipt(session, task.dossier_id)
    if receipt is None:
        return {}
    return {FEE_RECEIPT_FIELD: receipt.reference}
