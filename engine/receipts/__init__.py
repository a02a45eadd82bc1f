"""Electronic receipts (biên lai điện tử) for paid fees: numbered series, issuing, e-invoices."""
