"""Receipt series (ký hiệu) and the receipts numbered in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.agencies.models import Agency
from engine.db import Base
from engine.dossiers.models import Dossier
from engine.timestamps import UTCDateTime, utcnow

METHOD_ONLINE = "online"
METHOD_CASH = "cash"
METHODS = (METHOD_ONLINE, METHOD_CASH)

INVOICE_PENDING = "pending"
INVOICE_ISSUED = "issued"
INVOICE_FAILED = "failed"


class ReceiptSeries(Base):
    """One agency's receipt numbering for one year: the numbers run 1, 2, 3... with no gap.

    The row is locked while a receipt takes its number, so two cashiers never share one.
    """

    __tablename__ = "receipt_series"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    #: the calendar year (Vietnam time) the series numbers
    year: Mapped[int]
    #: the form and serial symbol printed on every receipt (ký hiệu), "BL-2026"
    symbol: Mapped[str] = mapped_column(String(40))
    #: the number the next receipt takes
    next_number: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()


class EReceipt(Base):
    """An electronic receipt for a fee paid on a dossier, as printed and as sent for invoicing."""

    __tablename__ = "e_receipts"
    __table_args__ = (UniqueConstraint("series_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("receipt_series.id"))
    #: consecutive within the series
    number: Mapped[int]
    #: the collecting agency (đơn vị thu)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the payment it acknowledges; one receipt per payment
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    #: the code in the public verification URL printed as a QR code
    lookup_code: Mapped[str] = mapped_column(String(40), unique=True)
    payer_name: Mapped[str] = mapped_column(String(255))
    procedure_name: Mapped[str] = mapped_column(String(500))
    #: the fee lines, [{"name": "Lệ phí ...", "amount": 100000}]
    lines: Mapped[list] = mapped_column(JSON, default=list)
    #: total in đồng
    amount: Mapped[int]
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: "online" or "cash"
    method: Mapped[str] = mapped_column(String(10))
    #: the payment provider ("vnpay"...) for an online payment
    provider: Mapped[str | None] = mapped_column(String(60))
    provider_reference: Mapped[str | None] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the e-invoice at the province's provider: pending / issued / failed
    invoice_state: Mapped[str] = mapped_column(String(10), default=INVOICE_PENDING)
    invoice_number: Mapped[str | None] = mapped_column(String(60))
    invoice_lookup_code: Mapped[str | None] = mapped_column(String(120))

    series: Mapped[ReceiptSeries] = relationship()
    agency: Mapped[Agency] = relationship()
    dossier: Mapped[Dossier] = relationship()

    @property
    def symbol(self) -> str:
        return self.series.symbol

    @property
    def printed_number(self) -> str:
        """The number as receipts print it: seven digits (0000001)."""
        return f"{self.number:07d}"

    @property
    def reference(self) -> str:
        """Series and number in one string ("BL-2026/0000001"): what other systems quote."""
        return f"{self.symbol}/{self.printed_number}"

    def __repr__(self) -> str:
        return f"<EReceipt {self.series_id}/{self.number} {self.amount}>"
