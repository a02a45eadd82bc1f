from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class PortalDossier(Base):
    """A dossier a citizen submitted on the national portal: the portal's code, once.

    The unique portal code makes receiving idempotent: fetched twice, a dossier enters the
    workflow once. A refused one (unknown procedure, invalid form) keeps no dossier and says why.
    """

    __tablename__ = "portal_dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: MaHoSo on the national portal; the code its status updates are sent back under
    portal_code: Mapped[str] = mapped_column(String(60), unique=True)
    #: the dossier it became here; None while refused
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    #: the record as the adapter listed it
    record: Mapped[dict] = mapped_column(JSON, default=dict)
    #: why it could not enter the workflow, in Vietnamese
    problem: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalProcedureChange(Base):
    """The portal's record of one procedure where it differs from our catalogue, waiting for an
    administrator to accept it; our record changes only then."""

    __tablename__ = "portal_procedure_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: MATTHC
    procedure_code: Mapped[str] = mapped_column(String(40), unique=True)
    #: the procedure record (catalogue fields) read from LayThuTuc
    portal_record: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"field", "local", "portal"}], one per catalogue field that differs
    differences: Mapped[list] = mapped_column(JSON, default=list)
    #: the procedure is not in our catalogue yet
    is_new: Mapped[bool] = mapped_column(default=False)
    #: the portal's unit code (MADONVI), the home unit of a new procedure
    agency_code: Mapped[str | None] = mapped_column(String(40))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None while waiting; set when an administrator accepted it
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
