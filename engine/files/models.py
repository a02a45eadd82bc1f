from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class StoredFile(Base):
    """A file someone uploaded; its bytes live in the file storage under `storage_key`."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: where the storage keeps the bytes (content-addressed: the SHA-256)
    storage_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    #: detected from the content, never taken from the name or the browser
    content_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(255))
    #: who uploaded it; their scope decides who may read it
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def copy_for(self, *, owner_user_id: int | None, dossier_id: int | None) -> StoredFile:
        """Another row for the same bytes (the storage is content-addressed): a file reused in
        another dossier or filed in a citizen's store gets its own owner and scope."""
        return StoredFile(
            storage_key=self.storage_key,
            sha256=self.sha256,
            size=self.size,
            content_type=self.content_type,
            original_name=self.original_name,
            owner_user_id=owner_user_id,
            dossier_id=dossier_id,
        )
