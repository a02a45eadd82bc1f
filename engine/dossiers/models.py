from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.agencies.models import Agency
from engine.db import Base
from engine.procedures.models import Procedure, ProcedureVersion
from engine.timestamps import UTCDateTime, utcnow

CHANNEL_COUNTER = 1
CHANNEL_ONLINE = 2
CHANNEL_POSTAL = 3


class Dossier(Base):
    """The read model of one dossier: everything lists, lookups and statistics need."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_agency_status", "agency_id", "status"),
        Index("ix_dossiers_applicant", "applicant_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: <agency code>-<YYMMDD>-<NNNN>
    code: Mapped[str] = mapped_column(String(60), unique=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    #: the agency that holds the dossier now
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    #: the agency that received it (its code prefixes the dossier code)
    receiving_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str | None] = mapped_column(String(20))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    applicant_email: Mapped[str | None] = mapped_column(String(255))
    #: 1 in person, 2 online, 3 postal
    channel: Mapped[int]
    #: internal status code (engine/dossiers/statuses.json)
    status: Mapped[str] = mapped_column(String(40))
    #: TrangThaiHoSo of the national portal, 1-10
    national_status: Mapped[int]
    #: what the applicant filled in when submitting
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: legal due time; moves on when the clock stood still
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set while the clock stands still (supplement requested)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(default=0)
    #: result ready (status 9) or processing ended otherwise
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: early / on_time / late, computed when the result is ready
    timing: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: code, applicant name and ID number, lowercase without diacritics (engine/dossiers/search.py)
    search_text: Mapped[str] = mapped_column(Text, default="")

    procedure: Mapped[Procedure] = relationship()
    procedure_version: Mapped[ProcedureVersion] = relationship()
    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    receiving_agency: Mapped[Agency] = relationship(foreign_keys=[receiving_agency_id])

    def __repr__(self) -> str:
        return f"<Dossier {self.code} {self.status}>"


class DossierEvent(Base):
    """One line of a dossier's history: who did what, when, status before and after."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    #: submitted / task_completed / timer_fired / service_completed ...
    action: Mapped[str] = mapped_column(String(40))
    task_title: Mapped[str | None] = mapped_column(String(255))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DossierCodeSequence(Base):
    """The last number handed out per agency and day, so codes never repeat."""

    __tablename__ = "dossier_code_sequences"

    agency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
