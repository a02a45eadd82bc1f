"""A leader signs a result remotely: asked by the worker, approved on their phone, finished by
the worker again.

1. `remote_signing/request` (the worker): the file is prepared with the signer's certificate
   from the provider, kept in the file storage, and the provider is asked to have the hash
   signed. The row then waits (CALLBACK), with the transaction id on the signature.
2. The provider's callback (webapp/callbacks/remote_signing.py) calls `signer_answered`: under
   the signature's row lock, once per transaction, it queues `remote_signing/finish`.
3. `remote_signing/finish` (the worker) fetches the signature value, embeds it with a timestamp
   and records the signed file exactly as the agency's own signature does. A refusal on the
   phone fails the signature with its reason, for the officers to see.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.contract import CALLBACK, Operation
from connectors.registry import register
from connectors.remote_signing.client import (
    SETTINGS_PROVIDER,
    RemoteSigningSettings,
    request_signature,
    signature_answer,
    signer_certificate,
)
from connectors.signing.client import (
    PreparedSignature,
    SigningSettings,
    finish_remote_signature,
    prepare_remote_signature,
)
from engine.files.storage import default_storage
from engine.outbox.models import DONE, OutboxMessage
from engine.outbox.waiting import CALL_ENDED, CALL_STARTED
from engine.signing.models import PENDING, DocumentSignature
from engine.signing.operation import record_signature, stored_result
from engine.signing.requests import IDEMPOTENCY_PREFIX, REMOTE_OPERATION
from engine.timestamps import utcnow

FINISH_OPERATION = "remote_signing/finish"
FINISH_PREFIX = "remote-signature-finish-"


def request_remote_signature(
    payload: dict, idempotency_key: str, settings: Mapping[str, str] | None = None
) -> dict:
    storage = default_storage()
    provider = RemoteSigningSettings.read(settings)
    signing = _signing_settings(payload)
    account = payload["signer_account"]
    prepared = prepare_remote_signature(
        storage.get(payload["file_key"]),
        signer_certificate(account, provider),
        signing,
        reason=payload["reason"],
        location=payload["location"],
    )
    transaction_id = request_signature(
        account,
        prepared.to_sign,
        description=f"{payload['reason']} — {payload['filename']}",
        callback_url=payload["callback_url"],
        idempotency_key=idempotency_key,
        settings=provider,
    )
    return {
        "transaction_id": transaction_id,
        "prepared_key": storage.put(prepared.pdf),
        "document_digest": _text(prepared.document_digest),
        "reserved_start": prepared.reserved_start,
        "reserved_end": prepared.reserved_end,
        "signed_attributes": _text(prepared.signed_attributes),
        "certificate": _text(prepared.certificate),
    }


def signer_answered(session: Session, transaction_id: str) -> bool:
    """The provider says the signer answered: queue the finishing call, once. False when the
    transaction is unknown or already answered (a repeated callback changes nothing)."""
    signature = session.scalars(
        select(DocumentSignature)
        .where(DocumentSignature.transaction_id == transaction_id)
        .with_for_update()
    ).one_or_none()
    if signature is None or signature.state != PENDING:
        return False
    key = f"{FINISH_PREFIX}{transaction_id}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return False
    request = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"{IDEMPOTENCY_PREFIX}{signature.id}"
        )
    ).one()
    session.add(
        OutboxMessage(
            dossier_id=signature.dossier_id,
            operation=FINISH_OPERATION,
            payload={**request.payload, **(request.result or {})},
            idempotency_key=key,
        )
    )
    return True


def finish_remote_signature_call(
    payload: dict, idempotency_key: str, settings: Mapping[str, str] | None = None
) -> dict:
    storage = default_storage()
    value = signature_answer(payload["transaction_id"], RemoteSigningSettings.read(settings))
    prepared = PreparedSignature(
        pdf=storage.get(payload["prepared_key"]),
        document_digest=base64.b64decode(payload["document_digest"]),
        reserved_start=payload["reserved_start"],
        reserved_end=payload["reserved_end"],
        signed_attributes=base64.b64decode(payload["signed_attributes"]),
        certificate=base64.b64decode(payload["certificate"]),
    )
    signed = finish_remote_signature(prepared, value, _signing_settings(payload))
    return stored_result(storage.put(signed.content), signed)


def _record_transaction(session: Session, message: OutboxMessage, result: dict) -> None:
    signature = session.get(DocumentSignature, message.payload["signature_id"])
    if signature is not None:
        signature.transaction_id = result["transaction_id"]


def _record_finish(session: Session, message: OutboxMessage, result: dict | None) -> None:
    """The signature is signed or refused; the waiting request row ends with it."""
    signature = session.get(DocumentSignature, message.payload["signature_id"])
    if signature is None:
        return
    record_signature(session, signature, message, result)
    if message.operation != FINISH_OPERATION:
        return
    request = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"{IDEMPOTENCY_PREFIX}{signature.id}"
        )
    ).one_or_none()
    if request is not None and request.status != DONE:
        request.status = DONE
        request.done_at = utcnow()


def _signing_settings(payload: dict) -> SigningSettings:
    return SigningSettings(
        pkcs12_path="",
        pkcs12_password="",
        tsa_url=payload["tsa_url"],
        trust_roots=payload["trust_roots"],
    )


def _text(data: bytes) -> str:
    return base64.b64encode(data).decode()


register(
    Operation(
        name=REMOTE_OPERATION,
        label="Yêu cầu người ký ký số từ xa tệp kết quả",
        waits_for_result=False,
        perform=request_remote_signature,
        settings_provider=SETTINGS_PROVIDER,
        completion=CALLBACK,
    )
)
register(
    Operation(
        name=FINISH_OPERATION,
        label="Hoàn tất chữ ký số từ xa trên tệp kết quả",
        waits_for_result=False,
        perform=finish_remote_signature_call,
        settings_provider=SETTINGS_PROVIDER,
    )
)
CALL_STARTED[REMOTE_OPERATION] = _record_transaction
CALL_ENDED[FINISH_OPERATION] = _record_finish
CALL_ENDED[REMOTE_OPERATION] = _record_finish
