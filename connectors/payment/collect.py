"""`payment/collect`: the workflow waits here until the applicant has paid the fees.

Nothing is sent anywhere when the call starts: the engine opens the payment (engine/payments)
and the applicant pays through a provider, or in cash at the counter; the provider's callback,
a reconciliation poll or the officer's cash record completes the task. A call with nothing to
pay (the province waived the fee) is refused with BPMN error `no_fee`, which the shipped
diagrams catch to go straight on to reception.
"""

from __future__ import annotations

from collections.abc import Mapping

from connectors.contract import CALLBACK, Operation, OperationRefused
from connectors.registry import register

OPERATION = "payment/collect"
NO_FEE = "no_fee"


def open_collection(payload: dict, idempotency_key: str, settings: Mapping[str, str]) -> dict:
    amount = int(payload.get("amount") or 0)
    if amount <= 0:
        raise OperationRefused(NO_FEE, "Thủ tục không thu phí, lệ phí ở bước này.")
    return {"awaiting": "payment", "amount": amount}


register(
    Operation(
        name=OPERATION,
        label="Thu phí, lệ phí",
        waits_for_result=True,
        perform=open_collection,
        parameters=("stage",),
        completion=CALLBACK,
    )
)
