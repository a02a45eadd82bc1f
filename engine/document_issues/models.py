"""One submission of a dossier's result documents to the document-management system."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow

#: sent, waiting for the number
WAITING = "waiting"
ISSUED = "issued"


class DocumentIssue(Base):
    """The number and date the system gave the result, and which files it replaced: the result
    documents point at the issued files, the originals stay listed in `files`."""

    __tablename__ = "document_issues"
    __table_args__ = (Index("ix_document_issues_state_checked", "state", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), unique=True)
    #: the outbox key, sent as Idempotency-Key and `reference`, read back from the callback
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    #: the system's own id of the submission, for the status poll
    provider_id: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default=WAITING)
    #: "15/GCN-UBND"
    number: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    #: [{"document_id", "original_file_id", "issued_file_id"}]
    files: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the status poll last asked the system
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
