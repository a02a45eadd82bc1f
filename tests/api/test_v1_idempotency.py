"""Idempotency-Key on the creating API calls: a retry replays the first answer and creates
nothing; the same key for another request is refused; keys live 24 hours."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import DossierMessage
from engine.idempotency.keys import delete_keys_before, sweep_idempotency_keys
from engine.idempotency.models import IdempotencyKey
from engine.timestamps import utcnow
from tests.api.callers import (
    PDF,
    SLOT_PART,
    caller,
    dossier_count,
    stored_document,
    submission,
    submit_with_file,
)


@pytest.fixture
def citizen(app, demo, session_factory):
    return caller(app, demo, session_factory, "congdan")


def test_a_retry_with_the_key_replays_the_first_answer(app, demo, session_factory, citizen):
    document_id = stored_document(app, demo, session_factory)
    body = submission(store_documents={"giay_chung_sinh": document_id})
    first = citizen.post("/dossiers/", body, key="nop-ho-so-1")
    again = citizen.post("/dossiers/", body, key="nop-ho-so-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"]
    assert dossier_count(session_factory) == 1

    with session_factory() as session:
        row = session.scalar(select(IdempotencyKey))
        assert (row.key, row.endpoint, row.response_status) == (
            "nop-ho-so-1",
            "api_v1_submission.submit_dossier",
            201,
        )
        assert row.owner.startswith("user:") and len(row.fingerprint) == 64


def test_the_same_key_for_another_request_is_refused(app, demo, session_factory, citizen):
    code = submit_with_file(citizen, key="k-1")
    other = citizen.post_multipart(
        "/dossiers/", submission(), {SLOT_PART: ("khac.pdf", PDF + b" ")}, key="k-1"
    )
    assert other.status_code == 422
    error = other.get_json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "đã được dùng cho một yêu cầu khác" in error["message"]["vi"]
    assert "different request" in error["message"]["en"]
    assert dossier_count(session_factory) == 1

    # another operation with the key is another request too
    message = citizen.post(f"/dossiers/{code}/messages", {"body": "Xin chào"}, key="k-1")
    assert message.status_code == 422
    assert message.get_json()["error"]["code"] == "idempotency_key_reused"


def test_a_multipart_retry_matches_whatever_its_boundary(citizen, session_factory):
    first = submit_with_file(citizen, key="multipart")
    assert submit_with_file(citizen, key="multipart") == first
    assert dossier_count(session_factory) == 1


def test_keys_belong_to_their_caller(app, demo, session_factory, citizen):
    from engine.users.models import User
    from engine.users.passwords import hash_password

    with session_factory() as session, transaction(session):
        session.add(
            User(
                username="congdanb",
                full_name="Trần Văn Bảo",
                kind="citizen",
                id_number="079090009999",
                password_hash=hash_password("motcua2026"),
            )
        )
    other = caller(app, demo, session_factory, "congdanb")
    mine, theirs = submit_with_file(citizen, key="chung"), submit_with_file(other, key="chung")
    assert mine != theirs
    assert dossier_count(session_factory) == 2


def test_a_refused_call_keeps_no_key_so_the_corrected_retry_runs(citizen, session_factory):
    refused = citizen.post("/dossiers/", submission(), key="sua-lai")
    assert refused.status_code == 422
    with session_factory() as session:
        assert session.scalar(select(IdempotencyKey)) is None
    assert submit_with_file(citizen, key="sua-lai")
    assert dossier_count(session_factory) == 1


def test_a_key_must_be_1_to_255_printable_characters(citizen, session_factory):
    for key in ("x" * 256, "xin\u00e0o", "   "):
        answer = citizen.post("/dossiers/", submission(), key=key)
        assert answer.status_code == 422, key
        assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert citizen.post("/dossiers/", submission(), key="").status_code == 422
    assert dossier_count(session_factory) == 0


def test_a_message_retry_posts_one_message(citizen, session_factory):
    code = submit_with_file(citizen)
    path = f"/dossiers/{code}/messages"
    first = citizen.post(path, {"body": "Khi nào có kết quả?"}, key="tin-1")
    again = citizen.post(path, {"body": "Khi nào có kết quả?"}, key="tin-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"]
    with session_factory() as session:
        assert session.query(DossierMessage).count() == 1


def test_keys_older_than_a_day_are_swept_and_free_again(citizen, session_factory):
    submit_with_file(citizen, key="cu")
    submit_with_file(citizen, key="moi")
    with session_factory() as session, transaction(session):
        old = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "cu"))
        old.created_at = utcnow() - timedelta(hours=25)
    # not swept yet: an expired key is already free
    submit_with_file(citizen, key="cu")
    assert dossier_count(session_factory) == 3
    with session_factory() as session, transaction(session):
        session.execute(
            IdempotencyKey.__table__.update().values(created_at=utcnow() - timedelta(hours=25))
        )
        session.execute(
            IdempotencyKey.__table__.update()
            .where(IdempotencyKey.key == "moi")
            .values(created_at=utcnow() - timedelta(hours=23))
        )
    assert sweep_idempotency_keys(session_factory) == 1
    with session_factory() as session:
        assert session.scalars(select(IdempotencyKey.key)).all() == ["moi"]
        assert delete_keys_before(session, utcnow()) == 1


def test_the_worker_sweeps_the_keys(session_factory):
    from engine.worker import worker_scheduler

    scheduler = worker_scheduler(session_factory)
    assert "sweep_idempotency_keys" in {job.id for job in scheduler.get_jobs()}


@pytest.mark.postgres
def test_two_first_calls_at_once_create_one_dossier_and_answer_alike(
    app, demo, session_factory, citizen, monkeypatch
):
    """Both calls pass the lookup before either has committed; the second waits on the first's
    key row, then replays its answer instead of creating a second dossier."""
    import webapp.api_v1.submission as submission_view

    real_submit = submission_view.submit_online_with_uploads

    def slow_submit(*args, **kwargs):
        time.sleep(0.5)  # the other call reaches its own reservation meanwhile
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(submission_view, "submit_online_with_uploads", slow_submit)
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def call(index: int) -> None:
        barrier.wait()
        answer = citizen.__class__(app, citizen.token).post_multipart(
            "/dossiers/", submission(), {SLOT_PART: ("chung-sinh.pdf", PDF)}, key="cung-luc"
        )
        answers[index] = (answer.status_code, answer.get_json(), dict(answer.headers))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [status for status, _, _ in answers] == [201, 201], answers
    assert answers[0][1] == answers[1][1]
    replayed = [headers.get("Idempotent-Replayed") for _, _, headers in answers]
    assert replayed.count("true") == 1 and replayed.count(None) == 1
    assert dossier_count(session_factory) == 1
