"""The operation `signing/sign-pdf` the worker performs for each requested signature, and what
its end writes back (engine/signing/requests.py asks for it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from connectors.contract import Operation
from connectors.registry import register
from connectors.signing.client import SETTINGS_PROVIDER, SignedPdf, SigningSettings, sign_pdf
from engine.files.models import StoredFile
from engine.files.storage import default_storage
from engine.outbox.models import OutboxMessage
from engine.outbox.waiting import CALL_ENDED
from engine.signing.models import FAILED, SIGNED, DocumentSignature
from engine.signing.requests import OPERATION, PDF


def sign_stored_pdf(
    payload: dict, idempotency_key: str, settings: Mapping[str, str] | None = None
) -> dict:
    """The operation: sign the stored bytes, store the signed ones (content-addressed, so a
    repeat after a lost answer writes the same kind of file again, harmlessly)."""
    storage = default_storage()
    signed = sign_pdf(
        storage.get(payload["file_key"]),
        SigningSettings.read(settings),
        reason=payload["reason"],
        location=payload["location"],
    )
    return stored_result(storage.put(signed.content), signed)


def stored_result(key: str, signed: SignedPdf) -> dict:
    """What a finished signature's outbox row records: the signed file's key and who signed."""
    return {
        "signed_key": key,
        "size": len(signed.content),
        "signer": signed.signer,
        "certificate_serial": signed.certificate_serial,
        "signed_at": signed.signed_at.isoformat(),
    }


def record_signature_call(session: Session, message: OutboxMessage, result: dict | None) -> None:
    """The worker's row ended: the result document now points at the signed file, or the
    signature records the refusal (a revoked certificate) for the officers to see."""
    signature_id = message.payload.get("signature_id")
    signature = session.get(DocumentSignature, signature_id) if signature_id else None
    if signature is not None:
        record_signature(session, signature, message, result)


def record_signature(
    session: Session, signature: DocumentSignature, message: OutboxMessage, result: dict | None
) -> None:
    """`result` of a signing row, or None with the refusal in the row's last error."""
    if result is None:
        signature.error = (message.last_error or "").removeprefix("OperationRefused: ")
        signature.state = FAILED
        return
    original = session.get(StoredFile, signature.original_file_id)
    signed_file = StoredFile(
        storage_key=result["signed_key"],
        sha256=result["signed_key"],
        size=result["size"],
        content_type=PDF,
        original_name=_signed_name(original.original_name),
        owner_user_id=original.owner_user_id,
        dossier_id=signature.dossier_id,
    )
    session.add(signed_file)
    session.flush()
    signature.signed_file_id = signed_file.id
    signature.document.stored_file_id = signed_file.id
    signature.signer = result["signer"][:255]
    signature.certificate_serial = result["certificate_serial"]
    signature.signed_at = datetime.fromisoformat(result["signed_at"])
    signature.state = SIGNED
    signature.error = None


def _signed_name(name: str) -> str:
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return f"{stem}-da-ky-so.pdf"[:255]


register(
    Operation(
        name=OPERATION,
        label="Ký số tệp kết quả (PAdES) bằng chứng thư số của cơ quan",
        waits_for_result=False,
        perform=sign_stored_pdf,
        settings_provider=SETTINGS_PROVIDER,
        parameters=(),
    )
)
CALL_ENDED[OPERATION] = record_signature_call
