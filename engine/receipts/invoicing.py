"""What a receipt sends to the e-invoice provider (operation `einvoice/issue`), and what comes
back written onto it."""

from __future__ import annotations

from engine.receipts.models import INVOICE_FAILED, INVOICE_ISSUED, EReceipt


def invoice_payload(receipt: EReceipt) -> dict:
    """The contract's request body (connectors/einvoice/client.py) for one receipt."""
    return {
        "reference": f"{receipt.series.symbol}/{receipt.number:07d}",
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
    return f"e-receipt-{receipt.id}"


def record_invoice(receipt: EReceipt, result: dict | None) -> None:
    """The provider's answer on the receipt; None marks a refusal (the receipt stays valid)."""
    if result is None:
        receipt.invoice_state = INVOICE_FAILED
        return
    receipt.invoice_state = INVOICE_ISSUED
    receipt.invoice_number = result["invoice_number"]
    receipt.invoice_lookup_code = result["lookup_code"]
