"""One signature requested on one dossier document (a result file, or the applicant's form),
and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.dossiers.models import DossierDocument
from engine.timestamps import UTCDateTime, utcnow

PENDING = "pending"
SIGNED = "signed"
FAILED = "failed"
STATE_LABELS = {PENDING: "Đang ký số", SIGNED: "Đã ký số", FAILED: "Ký số không thành công"}
#: signed by the agency's own key (PKCS#12 or HSM), or by a person through remote signing
AGENCY = "agency"
REMOTE = "remote"


class DocumentSignature(Base):
    """The document keeps its row; once signed it points at the signed file, and the unsigned
    original stays reachable here for the record."""

    __tablename__ = "document_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("dossier_documents.id"), unique=True)
    original_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    signed_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    state: Mapped[str] = mapped_column(String(20), default=PENDING)
    method: Mapped[str] = mapped_column(String(20), default=AGENCY)
    #: the person asked to sign remotely, and the provider's transaction while they decide
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    transaction_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: the certificate's subject (common name) and serial, as pyHanko read them when signing
    signer: Mapped[str | None] = mapped_column(String(255))
    certificate_serial: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why the last attempt failed, in Vietnamese when the provider refused
    error: Mapped[str | None] = mapped_column(Text)

    document: Mapped[DossierDocument] = relationship()

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]
