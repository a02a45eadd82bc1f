"""What an officer's task form starts with, before they type anything.

A reception form that asks for the fee's receipt number (`fee_receipt_number`, in the shipped
household-business and building-permit procedures) starts with the e-receipt's when the fee was
already paid through the system (online, or in cash at the counter's "thu lệ phí" button): the
officer checks it instead of copying it from another screen.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.receipts.queries import dossier_receipt
from engine.tasks.models import Task
from forms.definition import FormDefinition

FEE_RECEIPT_FIELD = "fee_receipt_number"


def task_form_defaults(session: Session, task: Task, form: FormDefinition) -> dict[str, str]:
    if FEE_RECEIPT_FIELD not in form.schema.get("properties", {}):
        return {}
    receipt = dossier_receipt(session, task.dossier_id)
    if receipt is None:
        return {}
    return {FEE_RECEIPT_FIELD: receipt.reference}
