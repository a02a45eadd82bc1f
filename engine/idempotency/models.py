from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class IdempotencyKey(Base):
    """The first answer to a creating call that carried an `Idempotency-Key`, kept 24 hours so a
    retry of the same request gets that answer again instead of a second dossier or message.

    Written in the transaction of the creation itself: the key exists exactly when the thing does.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("owner", "key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose key: `user:<id>` or `client:<id>` (an API client key); keys of two callers never meet
    owner: Mapped[str] = mapped_column(String(40))
    #: the caller's key, 1–255 printable characters
    key: Mapped[str] = mapped_column(String(255))
    #: the operation called (the Flask endpoint), so one key cannot replay another operation
    endpoint: Mapped[str] = mapped_column(String(120))
    #: SHA-256 (hex) of the request: its path, body and files
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: the first answer, replayed as it was; None only until the creation has run
    response_status: Mapped[int | None] = mapped_column()
    response_body: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
