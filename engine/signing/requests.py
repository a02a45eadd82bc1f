"""The agency's signature on the result files when the leader approves ("phê duyệt và ký số").

A diagram asks for it with the property `signResult` on the leader's approval task: `true` (or
`agency`) signs with the agency's key, `leader` asks the approving leader to sign through remote
signing, on their phone. When that task's completion leaves the dossier with its result ready,
every PDF result file not yet signed gets a `DocumentSignature` and an outbox row: the worker signs
it after the step committed (engine/signing/operation.py), or asks the remote-signing provider
and waits for the leader's answer (engine/signing/remote.py); keys and providers are I/O, never
inside a step. The one-stop cannot return the result while a signature is pending or has
failed: the citizen only ever receives the signed file.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.signing.client import SETTINGS_PROVIDER as SIGNING_PROVIDER
from connectors.signing.client import SigningSettings
from engine.connector_settings.settings import provider_settings
from engine.dossiers.models import Dossier, DossierDocument
from engine.dossiers.notices import public_base_url
from engine.dossiers.results import RESULT
from engine.errors import InvalidInput
from engine.files.models import StoredFile
from engine.outbox.models import OutboxMessage
from engine.signing.models import AGENCY, PENDING, REMOTE, SIGNED, DocumentSignature
from engine.users.actor import Actor
from engine.users.models import User
from forms.validation import FORM_ERROR_KEY

OPERATION = "signing/sign-pdf"
REMOTE_OPERATION = "remote_signing/request"
#: where the remote-signing provider tells us a signer answered (webapp/callbacks)
REMOTE_CALLBACK_PATH = "/ket-noi/ky-so-tu-xa/thong-bao"
IDEMPOTENCY_PREFIX = "result-signature-"
#: the BPMN property on the approval task
SIGN_RESULT_PROPERTY = "signResult"
PDF = "application/pdf"


def signature_method(properties: dict) -> str | None:
    """AGENCY, REMOTE, or None when the task asks for no signature."""
    value = str(properties.get(SIGN_RESULT_PROPERTY, "")).strip().lower()
    return {"true": AGENCY, AGENCY: AGENCY, "leader": REMOTE}.get(value)


def request_result_signatures(
    session: Session, dossier: Dossier, method: str = AGENCY, signer: Actor | None = None
) -> list[DocumentSignature]:
    """A signature and its outbox row for every PDF result file not yet signed or asked for;
    `signer` is the person asked when `method` is REMOTE."""
    already = select(DocumentSignature.document_id).where(
        DocumentSignature.dossier_id == dossier.id
    )
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
    reason = f"Phê duyệt kết quả giải quyết hồ sơ {dossier.code}"
    remote = signer if method == REMOTE else None
    return [request_signature(session, dossier, document, reason, remote) for document in documents]


def request_signature(
    session: Session,
    dossier: Dossier,
    document: DossierDocument,
    reason: str,
    remote_signer: Actor | None = None,
) -> DocumentSignature:
    """The signature row and the outbox row that makes it: the agency's key, or, with
    `remote_signer`, that person's approval on their phone."""
    signature = DocumentSignature(
        dossier_id=dossier.id,
        document_id=document.id,
        original_file_id=document.stored_file_id,
        state=PENDING,
        method=REMOTE if remote_signer else AGENCY,
        signer_user_id=remote_signer.user_id if remote_signer else None,
    )
    session.add(signature)
    session.flush()
    payload = {
        "dossier_code": dossier.code,
        "signature_id": signature.id,
        "file_key": document.stored_file.storage_key,
        "filename": document.stored_file.original_name,
        "reason": reason,
        "location": dossier.agency.name,
    }
    if remote_signer is not None:
        payload.update(remote_payload(session, remote_signer))
    session.add(
        OutboxMessage(
            dossier_id=dossier.id,
            operation=REMOTE_OPERATION if remote_signer else OPERATION,
            payload=payload,
            idempotency_key=f"{IDEMPOTENCY_PREFIX}{signature.id}",
        )
    )
    return signature


def remote_payload(session: Session, signer: Actor) -> dict:
    """What the remote request needs besides the file: the signer's account at the provider
    (their ID number, as the providers register people, else their user name), where the
    provider's answer comes back, and the timestamp server and roots of provider `signing`
    (an operation is handed one provider's settings: these travel in the payload)."""
    user = session.get(User, signer.user_id)
    signing = SigningSettings.read(provider_settings(session, SIGNING_PROVIDER))
    return {
        "signer_account": user.id_number or user.username,
        "callback_url": f"{public_base_url()}{REMOTE_CALLBACK_PATH}",
        "tsa_url": signing.tsa_url,
        "trust_roots": signing.trust_roots,
    }


def ensure_results_signed(session: Session, dossier: Dossier) -> None:
    """Refuse to return a result whose signature is still pending or failed."""
    waiting = session.scalar(
        select(DocumentSignature.id)
        .join(DossierDocument, DossierDocument.id == DocumentSignature.document_id)
        .where(
            DocumentSignature.dossier_id == dossier.id,
            DocumentSignature.state != SIGNED,
            DossierDocument.purpose == RESULT,
        )
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
) -> dict[int, tuple[DocumentSignature, str | None]]:
    """The dossier's signatures by result document, each with why it is not signed yet (the
    refusal, or the last failed attempt while the worker retries), for the dossier pages."""
    signatures = session.scalars(
        select(DocumentSignature)
        .where(DocumentSignature.dossier_id == dossier.id)
        .order_by(DocumentSignature.id)
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
