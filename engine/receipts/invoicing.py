"""What a receipt sends to the e-invoice provider (operation `einvoice/issue`), and what comes
back written onto it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.outbox.models import OutboxMessage
from engine.outbox.waiting import CALL_ENDED
from engine.receipts.models import INVOICE_FAILED, INVOICE_ISSUED, EReceipt

OPERATION = "einvoice/issue"
IDEMPOTENCY_PREFIX = "e-receipt-"


def invoice_payload(receipt: EReceipt) -> dict:
    """The contract's request body (connectors/einvoice/client.py) for one receipt."""
    return {
        "reference": receipt.reference,
        "seller": {"code": receipt.agency.code, "name": receipt.agency.name},
        "buyer": {"name": receipt.payer_name},
        "lines": [{"name": line["name"], "amount": int(line["amount"])} for line in receipt.lines],
        "total": receipt.amount,
        "currency": "VND",
        "paid_at": receipt.paid_at.isoformat(),
        "method": receipt.method,
        "dossier_code": receipt.dossier.code,
        "procedure_name": receipt.procedure_name,
    }


def invoice_idempotency_key(receipt: EReceipt) -> str:
    """One key per receipt, so the provider never invoices a receipt twice."""
    return f"{IDEMPOTENCY_PREFIX}{receipt.id}"


def record_invoice(receipt: EReceipt, result: dict | None) -> None:
    """The provider's answer on the receipt; None marks a refusal (the receipt stays valid)."""
    if result is None:
        receipt.invoice_state = INVOICE_FAILED
        return
    receipt.invoice_state = INVOICE_ISSUED
    receipt.invoice_number = result["invoice_number"]
    receipt.invoice_lookup_code = result["lookup_code"]


def record_invoice_call(session: Session, message: OutboxMessage, result: dict | None) -> None:
    """The worker's `einvoice/issue` row ended: the receipt it was keyed on learns how."""
    receipt_id = message.idempotency_key.removeprefix(IDEMPOTENCY_PREFIX)
    receipt = session.get(EReceipt, int(receipt_id)) if receipt_id.isdigit() else None
    if receipt is not None:
        record_invoice(receipt, result)


CALL_ENDED[OPERATION] = record_invoice_call
