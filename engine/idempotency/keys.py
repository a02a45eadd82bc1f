"""Idempotency keys: a creating call retried with the same key creates nothing a second time.

The first call reserves its key (owner, key) before it creates anything and stores its answer
in the same transaction as the creation; a retry finds the row and gets that answer again. The
same key with another request is refused (KeyReused), never silently replayed.

Two first calls at once: the unique (owner, key) makes the second reservation wait for the
first transaction. If the first commits, the second's insert fails, its savepoint is rolled
back before it has created anything, and it answers the first call's response as a replay; if
the first rolls back, the second goes on as the first. The loser gets the winner's result rather
than a 409 because both calls are the same request: a client that sent it twice (a timeout, a
double tap) wants the one dossier, and a 409 would only make it retry to learn what a replay
says at once. Keys are kept 24 hours (KEEP), then swept by the worker.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import Conflict, InvalidInput
from engine.idempotency.models import IdempotencyKey
from engine.timestamps import utcnow
from engine.users.actor import Actor

#: a key answers retries this long, then the worker deletes it
KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
IN_PROGRESS = "Yêu cầu cùng khóa đang được xử lý, vui lòng thử lại."
#: 1–255 printable ASCII characters (what an HTTP header carries unchanged)
KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")


class KeyReused(InvalidInput):
    """The key was used by this caller for a different request (another body or operation)."""

    english = "This Idempotency-Key was already used for a different request; use a new key."

    def __init__(self):
        message = (
            "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. "
            "Vui lòng dùng khóa mới cho yêu cầu mới."
        )
        super().__init__(message, {HEADER: message})


@dataclass(frozen=True)
class IdempotentRequest:
    owner: str
    key: str
    endpoint: str
    fingerprint: str


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict
    #: the answer of an earlier call with the same key, not of this one
    replayed: bool = False


def owner_of(actor: Actor) -> str:
    """Whose keys: a client key's calls and its creator's own calls never share keys."""
    if actor.api_client_id is not None:
        return f"client:{actor.api_client_id}"
    return f"user:{actor.user_id}"


def checked_key(value: str) -> str:
    if not KEY_PATTERN.fullmatch(value) or not value.strip():
        message = "Idempotency-Key phải gồm 1–255 ký tự in được (ASCII)."
        raise InvalidInput(message, {HEADER: message})
    return value


def request_fingerprint(path: str, body: object, files: Iterable[tuple[str, str, bytes]]) -> str:
    """SHA-256 of what the request asks for: its path, its parsed body (JSON or form fields, so
    a multipart boundary does not count) and each file's field, name and content hash."""
    canonical = {
        "path": path,
        "body": body,
        "files": sorted(
            [field, filename, hashlib.sha256(content).hexdigest()]
            for field, filename, content in files
        ),
    }
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def perform_once(
    session: Session,
    request: IdempotentRequest | None,
    operation: Callable[[], tuple[int, dict]],
) -> Outcome:
    """Run a creating operation at most once per key, in the caller's transaction.

    `operation` creates the thing and returns (status, JSON body); without a key it simply runs.
    """
    if request is None:
        status, body = operation()
        return Outcome(status, body)
    reserved, earlier = _reserve(session, request)
    if earlier is not None:
        return _replay(earlier)
    status, body = operation()
    reserved.response_status = status
    reserved.response_body = body
    session.flush()
    return Outcome(status, body)


def reserve_key(session: Session, request: IdempotentRequest) -> Outcome | None:
    """For an operation whose answer comes after a network call (a payment started at its
    provider), in three transactions: reserve the key with the creation, `record_answer` once
    the answer is known, or `release_key` when the call failed so the retry runs. None: reserved
    for this call; an Outcome: the earlier call's answer. A retry arriving while the key is
    reserved but not yet answered is a Conflict (try again in a moment)."""
    _reserved, earlier = _reserve(session, request)
    return None if earlier is None else _replay(earlier)


def record_answer(session: Session, request: IdempotentRequest, status: int, body: dict) -> None:
    row = _find(session, request)
    if row is not None:
        row.response_status, row.response_body = status, body
        session.flush()


def release_key(session: Session, request: IdempotentRequest) -> None:
    row = _find(session, request)
    if row is not None and row.response_status is None:
        session.delete(row)
        session.flush()


def _reserve(
    session: Session, request: IdempotentRequest
) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """(the row reserved for this call, None), or (None, the earlier call's row)."""
    earlier = _find(session, request)
    if earlier is None:
        row = IdempotencyKey(
            owner=request.owner,
            key=request.key,
            endpoint=request.endpoint,
            fingerprint=request.fingerprint,
            created_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # a concurrent first call with this key committed while we waited on its row
            earlier = _find(session, request)
            if earlier is None:
                raise Conflict(IN_PROGRESS) from None
        else:
            return row, None
    if earlier.endpoint != request.endpoint or earlier.fingerprint != request.fingerprint:
        raise KeyReused()
    if earlier.response_status is None:
        # reserved by a call still waiting on its provider (reserve_key)
        raise Conflict(IN_PROGRESS)
    return None, earlier


def _replay(earlier: IdempotencyKey) -> Outcome:
    return Outcome(earlier.response_status, earlier.response_body, replayed=True)


def _find(session: Session, request: IdempotentRequest) -> IdempotencyKey | None:
    row = session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.owner == request.owner, IdempotencyKey.key == request.key
        )
    )
    if row is not None and row.created_at < utcnow() - KEEP:
        # expired but not swept yet: the key is free again
        session.delete(row)
        session.flush()
        return None
    return row


def sweep_idempotency_keys(session_factory: sessionmaker[Session]) -> int:
    """The worker job: delete keys older than KEEP; returns how many."""
    with session_factory() as session, transaction(session):
        return delete_keys_before(session, utcnow() - KEEP)


def delete_keys_before(session: Session, before: datetime) -> int:
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return result.rowcount
