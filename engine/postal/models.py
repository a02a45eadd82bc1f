"""One postal shipment of a dossier: the pick-up of its papers, or the delivery of its result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow

PICKUP = "pickup"
DELIVERY = "delivery"
#: a delivery waiting for the result to be ready before its order is placed
NOT_ORDERED = 0
#: the brief's three steps each way; RETURNED: delivery failed twice, the result went back
RETURNED = 9
CANCELLED = -1
LABELS = {
    PICKUP: {
        1: "Chờ bưu điện xác nhận thu gom hồ sơ",
        2: "Bưu điện đã tiếp nhận yêu cầu thu gom hồ sơ",
        3: "Bưu điện đã chuyển hồ sơ đến cơ quan",
        CANCELLED: "Đã hủy yêu cầu thu gom",
    },
    DELIVERY: {
        NOT_ORDERED: "Sẽ chuyển phát khi có kết quả",
        1: "Đã có kết quả, chờ bưu điện xác nhận yêu cầu chuyển phát",
        2: "Đã bàn giao kết quả, bưu điện đã tiếp nhận yêu cầu chuyển phát",
        3: "Bưu điện đã phát kết quả",
        RETURNED: "Phát không thành công sau 2 lần, bưu điện đã hoàn trả kết quả về cơ quan",
        CANCELLED: "Đã hủy yêu cầu chuyển phát",
    },
}
DIRECTION_LABELS = {PICKUP: "Thu gom hồ sơ", DELIVERY: "Chuyển phát kết quả"}


class PostalShipment(Base):
    __tablename__ = "postal_shipments"
    __table_args__ = (UniqueConstraint("dossier_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    direction: Mapped[str] = mapped_column(String(10))
    #: 1, 2, 3 as the brief numbers them; NOT_ORDERED, RETURNED, CANCELLED
    status: Mapped[int] = mapped_column(default=1)
    #: the citizen's address and phone: where the post office collects or delivers
    address: Mapped[str] = mapped_column(String(500))
    phone: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(255))
    #: quoted before the citizen confirmed, then what the order says, in đồng
    postage: Mapped[int] = mapped_column(default=0)
    order_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: delivery attempts the post office reports
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the tracking poll last asked the post office
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def label(self) -> str:
        return LABELS[self.direction].get(self.status, str(self.status))

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def open(self) -> bool:
        return self.order_code is not None and self.status in (1, 2)
