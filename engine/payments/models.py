from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow

#: states of a payment; FAILED is not final: a later success on any attempt still counts
PENDING = "pending"
PAID = "paid"
FAILED = "failed"
EXPIRED = "expired"
REFUNDED = "refunded"
STATE_LABELS = {
    PENDING: "Chờ thanh toán",
    PAID: "Đã thanh toán",
    FAILED: "Thanh toán không thành công",
    EXPIRED: "Hết hạn thanh toán",
    REFUNDED: "Đã hoàn tiền",
}
ONLINE = "online"
CASH = "cash"


class Payment(Base):
    """The fees a dossier owes at one point of its workflow (a `payment/collect` service task)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the waiting `payment/collect` call; settling the payment completes it
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), unique=True)
    #: đồng
    amount: Mapped[int]
    #: [{"name": ..., "amount": ...}] from the procedure record
    fee_lines: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    method: Mapped[str | None] = mapped_column(String(12))
    provider: Mapped[str | None] = mapped_column(String(40))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempts: Mapped[list[PaymentAttempt]] = relationship(
        back_populates="payment", order_by="PaymentAttempt.id"
    )


class PaymentAttempt(Base):
    """One transaction sent to a provider; a payer may try several times."""

    __tablename__ = "payment_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    #: our transaction reference, the provider's vnp_TxnRef / orderId
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    provider: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    provider_reference: Mapped[str | None] = mapped_column(String(80))
    #: the provider's last result code and message
    code: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: last time reconciliation asked the provider
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship(back_populates="attempts")
