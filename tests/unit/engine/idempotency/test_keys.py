"""engine.idempotency.keys without HTTP: who owns a key, what a request's fingerprint covers,
and an operation run once per key in the caller's transaction."""

from __future__ import annotations

import pytest

from engine.db import transaction
from engine.errors import Conflict, InvalidInput
from engine.idempotency.keys import (
    IdempotentRequest,
    KeyReused,
    checked_key,
    owner_of,
    perform_once,
    record_answer,
    release_key,
    request_fingerprint,
    reserve_key,
)
from engine.users.actor import Actor


def test_keys_of_a_person_and_of_a_client_key_never_meet():
    assert owner_of(Actor(user_id=7, kind="citizen")) == "user:7"
    assert owner_of(Actor(user_id=None, kind="officer", api_client_id=7)) == "client:7"


def test_the_fingerprint_is_the_request_not_its_encoding():
    same = request_fingerprint("/a", {"x": 1, "y": [1, 2]}, [("doc_a", "a.pdf", b"1")])
    assert same == request_fingerprint("/a", {"y": [1, 2], "x": 1}, [("doc_a", "a.pdf", b"1")])
    assert same != request_fingerprint("/b", {"x": 1, "y": [1, 2]}, [("doc_a", "a.pdf", b"1")])
    assert same != request_fingerprint("/a", {"x": 1, "y": [1, 2]}, [("doc_a", "a.pdf", b"2")])


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "khóa", "a\nb"])
def test_a_key_is_1_to_255_printable_ascii_characters(key):
    with pytest.raises(InvalidInput) as refused:
        checked_key(key)
    assert "Idempotency-Key" in refused.value.field_errors
    assert checked_key("order-2026-12-07/1") == "order-2026-12-07/1"


def test_an_operation_runs_once_per_key_and_a_changed_request_is_refused(session_factory):
    runs = []

    def operation():
        runs.append(1)
        return 201, {"n": len(runs)}

    request = IdempotentRequest("user:1", "k", "api.op", "f" * 64)
    for _ in range(2):
        with session_factory() as session, transaction(session):
            outcome = perform_once(session, request, operation)
    assert (outcome.status, outcome.body, outcome.replayed) == (201, {"n": 1}, True)
    assert runs == [1]
    with session_factory() as session, pytest.raises(KeyReused):
        perform_once(session, IdempotentRequest("user:1", "k", "api.op", "0" * 64), operation)
    with session_factory() as session, pytest.raises(KeyReused):
        perform_once(session, IdempotentRequest("user:1", "k", "api.other", "f" * 64), operation)
    with session_factory() as session:
        assert perform_once(session, None, operation).body == {"n": 2}


def test_a_key_reserved_before_a_network_call_answers_once_it_is_recorded(session_factory):
    request = IdempotentRequest("user:1", "pay", "api.pay", "f" * 64)
    with session_factory() as session, transaction(session):
        assert reserve_key(session, request) is None
    # a retry while the provider is still being asked: try again in a moment
    with session_factory() as session, pytest.raises(Conflict):
        reserve_key(session, request)
    with session_factory() as session, transaction(session):
        record_answer(session, request, 201, {"redirect_url": "https://pay.example/1"})
    with session_factory() as session, transaction(session):
        replay = reserve_key(session, request)
    assert (replay.status, replay.body, replay.replayed) == (
        201,
        {"redirect_url": "https://pay.example/1"},
        True,
    )
    with session_factory() as session, transaction(session):
        release_key(session, request)  # answered keys stay
    with session_factory() as session:
        assert reserve_key(session, request).replayed


def test_a_released_key_lets_the_retry_run(session_factory):
    request = IdempotentRequest("user:1", "pay", "api.pay", "f" * 64)
    with session_factory() as session, transaction(session):
        assert reserve_key(session, request) is None
    with session_factory() as session, transaction(session):
        release_key(session, request)
    with session_factory() as session, transaction(session):
        assert reserve_key(session, request) is None
