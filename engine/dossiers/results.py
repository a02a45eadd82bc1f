"""The result of a dossier as files: attached by an officer, filed in the applicant's e-document
store when the result is returned electronically.

The officers attach the signed result (the decision, the certificate as scanned or signed PDF)
on the dossier page before the one-stop returns it. When the step that returns the result runs
(status `returned`), a dossier submitted online, or whose return channel was chosen as online in
the return form, gets each result file in its applicant's store (kho giấy tờ điện tử), in the
same transaction.
"""

from __future__ import annotations

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.documents_store.store import file_result_to_store
from engine.dossiers.models import CHANNEL_ONLINE, Dossier, DossierDocument
from engine.dossiers.queries import get_dossier
from engine.dossiers.statuses import get_status
from engine.errors import InvalidInput, NotFound
from engine.files.storage import FileStorage
from engine.files.uploads import store_upload
from engine.users.actor import Actor

RESULT = "result"
#: the status of a dossier whose result was handed over
RETURNED = "returned"
RESULT_CODE = "ket_qua"
#: the return form's field and the value that means "returned electronically"
RETURN_CHANNEL_FIELD = "return_channel"
ONLINE_RETURN = "online"


def attach_result_file(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    code: str,
    *,
    title: str,
    filename: str,
    content: bytes,
) -> DossierDocument:
    """An officer of an agency handling the dossier attaches a result file before its return."""
    dossier = get_dossier(session, actor, code)
    if not actor.is_officer:
        raise NotFound("Không tìm thấy hồ sơ.")
    if get_status(dossier.status).final:
        raise InvalidInput(
            "Hồ sơ đã kết thúc, không thể đính kèm kết quả.",
            {"result_file": "Hồ sơ đã kết thúc xử lý."},
        )
    title = (title or "").strip() or "Kết quả giải quyết"
    stored = store_upload(
        session,
        actor,
        storage,
        filename=filename,
        content=content,
        field="result_file",
        dossier_id=dossier.id,
    )
    document = DossierDocument(
        dossier_id=dossier.id,
        document_code=RESULT_CODE,
        document_name=title[:500],
        stored_file_id=stored.id,
        purpose=RESULT,
    )
    session.add(document)
    session.flush()
    return document


def list_result_files(session: Session, dossier: Dossier) -> list[DossierDocument]:
    return list(
        session.scalars(
            select(DossierDocument)
            .where(DossierDocument.dossier_id == dossier.id, DossierDocument.purpose == RESULT)
            .order_by(DossierDocument.id)
        )
    )


def applicant_result_files(session: Session, dossier: Dossier) -> list[DossierDocument]:
    """What the applicant sees of the result on their dossier page: nothing until the one-stop
    returned it (before that the files are drafts the leader may still send back)."""
    if dossier.status != RETURNED:
        return []
    return list_result_files(session, dossier)


def visible_result_files(session: Session, actor: Actor, code: str) -> list[DossierDocument]:
    """The result files of a dossier the actor may see: its applicant once returned (as the
    portal's dossier page), the officers of an agency handling it all of them (as the
    workspace's); NotFound for anyone else."""
    dossier = get_dossier(session, actor, code)
    if actor.is_officer:
        return list_result_files(session, dossier)
    return applicant_result_files(session, dossier)


def get_result_file(session: Session, actor: Actor, code: str, document_id: int) -> DossierDocument:
    """One of `visible_result_files`; NotFound for any other id."""
    for document in visible_result_files(session, actor, code):
        if document.id == document_id:
            return document
    raise NotFound("Không tìm thấy tệp kết quả.")


def file_returned_results(session: Session, dossier: Dossier, workflow: BpmnWorkflow) -> int:
    """Called by the step that returns the result; how many files went to the store."""
    if not returned_electronically(dossier, workflow):
        return 0
    filed = 0
    for document in list_result_files(session, dossier):
        title = f"{document.document_name} — hồ sơ {dossier.code}"
        if file_result_to_store(session, dossier, document.stored_file, title) is not None:
            filed += 1
    return filed


def returned_electronically(dossier: Dossier, workflow: BpmnWorkflow) -> bool:
    """Submitted online, or returned online as the return form chose."""
    return dossier.channel == CHANNEL_ONLINE or _return_channel(workflow) == ONLINE_RETURN


def _return_channel(workflow: BpmnWorkflow) -> str | None:
    completed = sorted(
        workflow.get_tasks(state=TaskState.COMPLETED), key=lambda task: task.last_state_change
    )
    for task in reversed(completed):
        if RETURN_CHANNEL_FIELD in task.data:
            return task.data[RETURN_CHANNEL_FIELD]
    return None
