"""The agency's signature on the result files when the leader approves ("phê duyệt và ký số").

A diagram asks for it with the property `signResult` = `true` on the leader's approval task.
When that task's completion leaves the dossier with its result ready, every PDF result file not
yet signed gets a `ResultSignature` and an outbox row `signing/sign-pdf`; the worker signs it
after the step committed (engine/signing/operation.py: the key and the timestamp server are I/O,
never inside a step). The one-stop cannot return the result while a signature is pending or has
failed: the citizen only ever receives the signed file.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier, DossierDocument
from engine.dossiers.results import RESULT
from engine.errors import InvalidInput
from engine.files.models import StoredFile
from engine.outbox.models import OutboxMessage
from engine.signing.models import PENDING, SIGNED, ResultSignature
from forms.validation import FORM_ERROR_KEY

OPERATION = "signing/sign-pdf"
IDEMPOTENCY_PREFIX = "result-signature-"
#: the BPMN property on the approval task
SIGN_RESULT_PROPERTY = "signResult"
PDF = "application/pdf"


def asks_for_signature(properties: dict) -> bool:
    return str(properties.get(SIGN_RESULT_PROPERTY, "")).strip().lower() == "true"


def request_result_signatures(session: Session, dossier: Dossier) -> list[ResultSignature]:
    """A signature and its outbox row for every PDF result file not yet signed or asked for."""
    already = select(ResultSignature.document_id).where(ResultSignature.dossier_id == dossier.id)
    documents = session.scalars(
        select(DossierDocument)
        .join(StoredFile, StoredFile.id == DossierDocument.stored_file_id)
        .where(
            DossierDocument.dossier_id == dossier.id,
            DossierDocument.purpose == RESULT,
            StoredFile.content_type == PDF,
            DossierDocument.id.not_in(already),
        )
        .order_by(DossierDocument.id)
    ).all()
    requested = []
    for document in documents:
        signature = ResultSignature(
            dossier_id=dossier.id,
            document_id=document.id,
            original_file_id=document.stored_file_id,
            state=PENDING,
        )
        session.add(signature)
        session.flush()
        session.add(
            OutboxMessage(
                dossier_id=dossier.id,
                operation=OPERATION,
                payload={
                    "dossier_code": dossier.code,
                    "file_key": document.stored_file.storage_key,
                    "filename": document.stored_file.original_name,
                    "reason": f"Phê duyệt kết quả giải quyết hồ sơ {dossier.code}",
                    "location": dossier.agency.name,
                },
                idempotency_key=f"{IDEMPOTENCY_PREFIX}{signature.id}",
            )
        )
        requested.append(signature)
    return requested


def ensure_results_signed(session: Session, dossier: Dossier) -> None:
    """Refuse to return a result whose signature is still pending or failed."""
    waiting = session.scalar(
        select(ResultSignature.id)
        .where(ResultSignature.dossier_id == dossier.id, ResultSignature.state != SIGNED)
        .limit(1)
    )
    if waiting is not None:
        message = (
            "Kết quả chưa được ký số xong, chưa thể trả cho công dân. Vui lòng đợi hoặc báo "
            "quản trị viên nếu việc ký số không thành công."
        )
        raise InvalidInput(message, {FORM_ERROR_KEY: message})


def signatures_by_document(
    session: Session, dossier: Dossier
) -> dict[int, tuple[ResultSignature, str | None]]:
    """The dossier's signatures by result document, each with why it is not signed yet (the
    refusal, or the last failed attempt while the worker retries), for the dossier pages."""
    signatures = session.scalars(
        select(ResultSignature)
        .where(ResultSignature.dossier_id == dossier.id)
        .order_by(ResultSignature.id)
    ).all()
    keys = [f"{IDEMPOTENCY_PREFIX}{s.id}" for s in signatures if s.state != SIGNED]
    errors = (
        dict(
            session.execute(
                select(OutboxMessage.idempotency_key, OutboxMessage.last_error).where(
                    OutboxMessage.idempotency_key.in_(keys)
                )
            ).all()
        )
        if keys
        else {}
    )
    return {
        signature.document_id: (
            signature,
            signature.error or errors.get(f"{IDEMPOTENCY_PREFIX}{signature.id}"),
        )
        for signature in signatures
    }
