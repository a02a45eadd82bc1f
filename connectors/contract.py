"""What every connector operation offers the engine.

A service task names an operation (`notify/applicant`, later `payment/vnpay-create`...). The
step never performs it: it enqueues an outbox row, and the worker calls `perform` after the
step has committed, with an idempotency key the provider sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


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


class OperationFailed(Exception):
    """The provider refused or could not be reached; the worker retries later."""
