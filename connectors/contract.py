"""What every connector operation offers the engine.

A service task names an operation (`notify/applicant`, `payment/collect`...) and its parameters.
The step never performs it: it enqueues an outbox row with only the parameters the operation
declares, and the worker calls `perform` after the step has committed, with an idempotency key
the provider sees.

How a call ends:
- `perform` returns a result: the call is done; a waiting service task completes with it.
- `perform` raises `OperationFailed`: a temporary failure (provider down, timeout, 5xx). The
  worker retries with exponential backoff and jitter, then marks the row failed, an incident on
  the system page that an administrator retries by hand.
- `perform` raises `OperationRefused`: a permanent failure (the provider said no). Retrying
  cannot help, so the waiting service task throws the BPMN error `code`, which an error boundary
  event on the task may catch; uncaught, the row is an incident.
- An operation whose `completion` is CALLBACK is long-running (a payment, a signature, a postal
  delivery): `perform` only starts it, and the task keeps waiting until the provider's callback or
  a status poll completes it as a new step (engine/outbox/waiting.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests

#: the result of `perform` completes the waiting task
RESULT = "result"
#: `perform` starts the effect; a callback or a poll completes the task later
CALLBACK = "callback"


@dataclass(frozen=True)
class Operation:
    #: `provider/action`, as written in the BPMN serviceTaskOperator
    name: str
    label: str
    #: does the workflow wait for the result? (a payment does; a notification does not)
    waits_for_result: bool
    #: performs the effect: (payload, idempotency_key, stored settings) -> result; may do
    #: network I/O. The settings are the provider's rows of Quản trị › Kết nối.
    perform: Callable[[dict, str, Mapping[str, str]], dict]
    #: whose stored settings the worker reads for `perform` ("email"); None: none
    settings_provider: str | None = None
    #: the parameters a BPMN service task may pass; any other is refused at publishing and
    #: never reaches `perform`
    parameters: tuple[str, ...] = ()
    #: RESULT, or CALLBACK for a long-running operation completed by its provider later
    completion: str = RESULT


class OperationFailed(Exception):
    """The provider could not be reached or answered with a temporary error: retry later."""


class OperationRefused(Exception):
    """The provider refused for good: the waiting service task throws BPMN error `code`."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def json_answer(response: requests.Response, what: str) -> dict:
    """A provider's JSON object answer. A 5xx, a 429 or an answer that is not a JSON object is a
    temporary failure (OperationFailed); what a 4xx object says is for the caller to judge."""
    if response.status_code >= 500 or response.status_code == 429:
        raise OperationFailed(f"{what}: HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as error:
        raise OperationFailed(f"{what}: HTTP {response.status_code}, not JSON") from error
    if not isinstance(answer, dict):
        raise OperationFailed(f"{what}: unexpected answer {answer!r}"[:300])
    return answer
