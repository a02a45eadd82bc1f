"""E-invoices for issued receipts (VNPT / Viettel / MISA behind one REST contract), registered
as the connector operation `einvoice/issue`."""

from __future__ import annotations

from connectors.contract import Operation
from connectors.einvoice.client import SETTINGS_PROVIDER, issue_invoice
from connectors.registry import register

register(
    Operation(
        name="einvoice/issue",
        label="Phát hành hóa đơn điện tử cho biên lai",
        waits_for_result=False,
        perform=issue_invoice,
        settings_provider=SETTINGS_PROVIDER,
        parameters=(),
    )
)
