"""What every online payment provider (VNPay, the national payment platform, MoMo...) offers.

The engine (engine/payments) owns the payment's state; a provider only speaks its protocol:
`start` turns an order into the address the payer's browser goes to, `read_callback` checks a
notification's signature and reads what it says, `answer` writes the reply the provider expects
for the outcome the engine decided, and `query` asks the provider for a transaction's state
(reconciliation). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

#: transaction states a provider reports, mapped by each provider from its own codes
PAID = "paid"
FAILED = "failed"
PENDING = "pending"
REFUNDED = "refunded"


@dataclass(frozen=True)
class FeeLine:
    name: str
    #: đồng, whole
    amount: int


@dataclass(frozen=True)
class PaymentOrder:
    #: our transaction reference, unique per attempt (≤ 34 characters, [A-Za-z0-9_-])
    reference: str
    #: đồng, whole (VNPay multiplies by 100 itself)
    amount: int
    #: shown to the payer; providers that refuse diacritics get it folded to ASCII by the provider
    description: str
    fee_lines: tuple[FeeLine, ...]
    payer_name: str
    dossier_code: str
    #: where the payer's browser comes back (display only)
    return_url: str
    #: where the provider posts its server-to-server notification, when the protocol takes it in
    #: the request (MoMo); VNPay's IPN address is registered with the provider instead
    notify_url: str
    created_at: datetime
    expires_at: datetime
    client_ip: str = "127.0.0.1"
    locale: str = "vn"


@dataclass(frozen=True)
class PaymentStart:
    #: where to send the payer's browser
    redirect_url: str
    #: the provider's own id for the transaction, when it gives one at creation
    provider_reference: str | None = None


@dataclass(frozen=True)
class PaymentNotice:
    """What a verified callback, return or query says about one transaction."""

    reference: str
    #: PAID, FAILED, PENDING or REFUNDED
    state: str
    #: đồng, as the provider reports it (already divided by 100 for VNPay)
    amount: int
    provider_reference: str | None = None
    paid_at: datetime | None = None
    #: the provider's own result code and message, kept for the officer and the audit
    code: str = ""
    message: str = ""
    raw: Mapping[str, str] = field(default_factory=dict)


class InvalidSignature(Exception):
    """A callback or return whose signature does not verify: answered, and changes nothing."""


class MalformedCallback(Exception):
    """A callback missing fields the protocol requires."""


#: what the engine decided about a notification; each provider writes its own reply for it
CONFIRMED = "confirmed"  # state recorded (VNPay 00)
ORDER_NOT_FOUND = "order_not_found"  # VNPay 01
ALREADY_CONFIRMED = "already_confirmed"  # VNPay 02
INVALID_AMOUNT = "invalid_amount"  # VNPay 04
BAD_SIGNATURE = "bad_signature"  # VNPay 97
ERROR = "error"  # VNPay 99


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    body: str
    content_type: str = "application/json"


class PaymentProvider(Protocol):
    #: the provider's name in URLs, settings (Quản trị › Kết nối) and stored rows: "vnpay"
    name: str
    #: shown to the payer: "VNPay"
    label: str

    def start(self, order: PaymentOrder, settings: Mapping[str, str]) -> PaymentStart:
        """The payer's redirect; may call the provider over HTTP (raises OperationFailed)."""

    def read_callback(
        self,
        query: Mapping[str, str],
        body: bytes,
        headers: Mapping[str, str],
        settings: Mapping[str, str],
    ) -> PaymentNotice:
        """A server-to-server notification, verified (InvalidSignature, MalformedCallback)."""

    def read_return(self, query: Mapping[str, str], settings: Mapping[str, str]) -> PaymentNotice:
        """The payer's browser return, verified; for display and as a hint to query."""

    def answer(self, outcome: str) -> CallbackAnswer:
        """The reply the provider expects for an outcome (CONFIRMED, ORDER_NOT_FOUND...)."""

    def query(
        self, reference: str, created_at: datetime, settings: Mapping[str, str]
    ) -> PaymentNotice:
        """Ask the provider for the transaction's state (reconciliation; OperationFailed)."""
