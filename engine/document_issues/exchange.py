"""Sending a dossier's result documents to the document-management system (QLVB) and taking
back what it issued.

The diagram's `qlvb/issue-document` service task waits. When the step queues its outbox row,
`issue_payload` lists the result files as pull links signed with the shared secret (the worker's
call carries no file bytes and the connector reads no database). When the system calls back, or
the status poll finds the submission issued, `record_issued_document` stores the numbered, signed
files, points the result documents at them (the originals stay listed on the issue), records the
number and date, and completes the waiting task, all under the dossier's row lock; a second
delivery finds the issue recorded and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.document_management.client import (
    OPERATION,
    SETTINGS_PROVIDER,
    DocumentManagementSettings,
    IssuedDocument,
    file_link_token,
)
from engine.calendar.written_dates import short_date
from engine.connector_settings.settings import provider_settings
from engine.document_issues.models import ISSUED, WAITING, DocumentIssue
from engine.dossiers.models import Dossier, DossierDocument
from engine.dossiers.notices import public_base_url
from engine.dossiers.results import RESULT, list_result_files
from engine.dossiers.step import StepRecord, lock_dossier
from engine.files.content_types import detect_content_type
from engine.files.models import StoredFile
from engine.files.storage import FileStorage
from engine.outbox.models import DONE, PENDING, OutboxMessage
from engine.outbox.models import WAITING as OUTBOX_WAITING
from engine.outbox.waiting import CALL_STARTED, complete_waiting_call
from engine.timestamps import utcnow

CALLBACK_PATH = "/ket-noi/qlvb/callback"
#: how `record_issued_document` ended
TAKEN = "taken"
DUPLICATE = "duplicate"
UNKNOWN = "unknown"
FILE_PATH = "/ket-noi/qlvb/tep"


def shared_secret(session: Session) -> str:
    """The secret the links and callbacks are signed with, as Quản trị › Kết nối has it."""
    return DocumentManagementSettings.read(
        provider_settings(session, SETTINGS_PROVIDER)
    ).shared_secret


def file_url(secret: str, file_id: int) -> str:
    return f"{public_base_url()}{FILE_PATH}/{file_id}/{file_link_token(secret, file_id)}"


def issue_payload(session: Session, dossier: Dossier, payload: dict) -> dict:
    """The `qlvb/issue-document` row's payload: what to number, and where to fetch and answer."""
    secret = shared_secret(session)
    documents = [
        {
            "document_id": document.id,
            "name": document.document_name,
            "filename": document.stored_file.original_name,
            "sha256": document.stored_file.sha256,
            "url": file_url(secret, document.stored_file_id),
        }
        for document in list_result_files(session, dossier)
    ]
    return {
        **payload,
        "title": str(payload.get("title") or f"{dossier.procedure.name} — hồ sơ {dossier.code}"),
        "agency_code": dossier.agency.code,
        "agency_name": dossier.agency.name,
        "documents": documents,
        "callback_url": f"{public_base_url()}{CALLBACK_PATH}",
    }


def result_file_for_link(session: Session, file_id: int) -> StoredFile | None:
    """The stored file a pull link names, only if it is a result document's file."""
    return session.scalar(
        select(StoredFile)
        .join(DossierDocument, DossierDocument.stored_file_id == StoredFile.id)
        .where(StoredFile.id == file_id, DossierDocument.purpose == RESULT)
        .limit(1)
    )


def record_submission(session: Session, message: OutboxMessage, result: dict) -> None:
    """The system accepted the submission: the dossier now waits for its number."""
    issue = _issue_of(session, message)
    issue.provider_id = str(result.get("id") or "")[:100] or issue.provider_id


CALL_STARTED[OPERATION] = record_submission


def record_issued_document(session: Session, storage: FileStorage, issued: IssuedDocument) -> str:
    """What the system issued, taken once: TAKEN; DUPLICATE when it was taken already, UNKNOWN
    when its reference is none of our submissions."""
    message = session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.idempotency_key == issued.reference, OutboxMessage.operation == OPERATION
        )
    )
    if message is None or message.dossier_id is None:
        return UNKNOWN
    dossier = lock_dossier(session, message.dossier_id)
    session.refresh(message)
    issue = _issue_of(session, message)
    if message.status == DONE or issue.state == ISSUED:
        return DUPLICATE
    sent = {int(item["document_id"]) for item in message.payload.get("documents", [])}
    files = []
    for returned in issued.files:
        document = session.get(DossierDocument, returned.document_id)
        if returned.document_id not in sent or document is None:
            continue
        if document.dossier_id != dossier.id or document.purpose != RESULT:
            continue
        key = storage.put(returned.content)
        original = document.stored_file
        issued_file = StoredFile(
            storage_key=key,
            sha256=key,
            size=len(returned.content),
            content_type=detect_content_type(returned.content) or original.content_type,
            original_name=returned.filename or original.original_name,
            owner_user_id=original.owner_user_id,
            dossier_id=dossier.id,
        )
        session.add(issued_file)
        session.flush()
        files.append(
            {
                "document_id": document.id,
                "original_file_id": original.id,
                "issued_file_id": issued_file.id,
            }
        )
        document.stored_file_id = issued_file.id
    issue.provider_id = issued.provider_id[:100]
    issue.number, issue.issued_on = issued.number, issued.issued_on
    issue.files, issue.state, issue.issued_at = files, ISSUED, utcnow()
    completed = complete_waiting_call(
        session,
        message.id,
        {"number": issued.number, "issued_on": issued.issued_on.isoformat()},
        from_statuses=(PENDING, OUTBOX_WAITING),
        record=StepRecord(
            action="document_issued",
            task_title="Cấp số văn bản",
            note=f"Văn bản số {issued.number} ngày {short_date(issued.issued_on)}",
        ),
    )
    return TAKEN if completed else DUPLICATE


def current_issue(session: Session, dossier_id: int) -> DocumentIssue | None:
    """The dossier's latest submission to the system, if its diagram asked for one."""
    return session.scalar(
        select(DocumentIssue)
        .where(DocumentIssue.dossier_id == dossier_id)
        .order_by(DocumentIssue.id.desc())
        .limit(1)
    )


def issue_requested(session: Session, dossier_id: int) -> bool:
    """The step asked for numbering and the worker has not handed the documents over yet."""
    return (
        session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.dossier_id == dossier_id,
                OutboxMessage.operation == OPERATION,
                OutboxMessage.status == PENDING,
            )
        )
        is not None
    )


def _issue_of(session: Session, message: OutboxMessage) -> DocumentIssue:
    issue = session.scalar(
        select(DocumentIssue).where(DocumentIssue.outbox_message_id == message.id)
    )
    if issue is None:
        issue = DocumentIssue(
            dossier_id=message.dossier_id,
            outbox_message_id=message.id,
            reference=message.idempotency_key,
            state=WAITING,
            files=[],
        )
        session.add(issue)
        session.flush()
    return issue
