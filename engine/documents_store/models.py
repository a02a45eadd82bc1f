from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.files.models import StoredFile
from engine.timestamps import UTCDateTime, utcnow

if TYPE_CHECKING:
    from engine.dossiers.models import Dossier

SOURCE_UPLOAD = "upload"
SOURCE_RESULT = "result"


class PersonalDocument(Base):
    """One document in a citizen's e-document store, reusable in any new submission."""

    __tablename__ = "personal_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: upload (the citizen's own) / result (returned electronically for a dossier)
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_UPLOAD)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile] = relationship()
    #: the dossier whose result this is (None for the citizen's own uploads)
    dossier: Mapped[Dossier | None] = relationship()
