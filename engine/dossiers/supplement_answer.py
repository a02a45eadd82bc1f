"""The applicant answers a supplement request (an applicant task): the form and the documents.

One operation for the portal's task page and the JSON API: the files are checked and stored,
the task completed and the files linked to the dossier as a supplement, or nothing happens.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.dossiers.attachments import (
    SUPPLEMENT,
    DocumentSlot,
    attach_documents,
    document_slots,
    fill_slots,
)
from engine.dossiers.queries import get_dossier
from engine.errors import InvalidInput, NotFound
from engine.files.storage import FileStorage
from engine.tasks.completion import complete_task
from engine.tasks.models import Task
from engine.tasks.queries import get_task, list_open_tasks
from engine.users.actor import Actor

APPLICANT = "applicant"


def get_applicant_task(session: Session, actor: Actor, dossier_code: str, task_id: int) -> Task:
    """The applicant's own task on their dossier; NotFound for anyone else or another dossier."""
    task = get_task(session, actor, task_id)
    if (
        task.dossier.code != dossier_code
        or task.role != APPLICANT
        or task.dossier.applicant_user_id != actor.user_id
    ):
        raise NotFound("Không tìm thấy công việc.")
    return task


def list_applicant_tasks(session: Session, actor: Actor, dossier_code: str) -> list[Task]:
    """The open tasks waiting for the applicant on their own dossier (supplement requests)."""
    dossier = get_dossier(session, actor, dossier_code)
    if actor.user_id is None or dossier.applicant_user_id != actor.user_id:
        raise NotFound("Không tìm thấy hồ sơ.")
    return [task for task in list_open_tasks(session, dossier) if task.role == APPLICANT]


def task_slots(task: Task) -> list[DocumentSlot]:
    """The document slots a supplement may fill: the procedure's documents."""
    return document_slots(task.dossier.procedure_version)


def answer_supplement(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    dossier_code: str,
    task_id: int,
    data: dict,
    *,
    uploads: dict[str, tuple[str, bytes]],
    store_choices: dict[str, int],
) -> Task:
    """Store the files, complete the task with the form data, link the files as a supplement."""
    task = get_applicant_task(session, actor, dossier_code, task_id)
    slots = task_slots(task)
    attachments, errors = fill_slots(
        session,
        actor,
        storage,
        slots,
        current={},
        uploads=uploads,
        store_choices=store_choices,
    )
    if errors:
        raise InvalidInput("Tệp đính kèm không hợp lệ.", errors)
    complete_task(session, actor, task_id, data)
    attach_documents(session, actor, task.dossier, slots, attachments, purpose=SUPPLEMENT)
    return task
