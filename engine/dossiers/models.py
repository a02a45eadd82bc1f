from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.agencies.models import Agency
from engine.db import Base
from engine.files.models import StoredFile
from engine.procedures.models import Procedure, ProcedureVersion
from engine.timestamps import UTCDateTime, utcnow

if TYPE_CHECKING:
    from engine.notifications.models import ChannelPreference
    from engine.postal.models import PostalShipment
    from engine.tasks.models import Task
    from engine.users.models import User
    from engine.workflow.models import Timer, WorkflowState

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
    channel: Mapped[int] = mapped_column(index=True)
    #: internal status code (engine/dossiers/statuses.json)
    status: Mapped[str] = mapped_column(String(40), index=True)
    #: TrangThaiHoSo of the national portal, 1-10
    national_status: Mapped[int]
    #: what the applicant filled in when submitting
    form_data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a dossier fetched by the post office: when it was handed over to the agency, its legal
    #: receipt time (Quyết định 45/2016/QĐ-TTg); reception counts the deadline from it
    posted_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: legal due time; moves on when the clock stood still
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
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
    #: other agencies that held the dossier or gave an opinion on it (liên thông, phối hợp)
    agency_links: Mapped[list[DossierAgency]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan"
    )
    # read-only views the step loads with the dossier's lock (engine/dossiers/step.py), so a
    # step reads its workflow state, timer and open tasks without a statement each
    workflow_state: Mapped[WorkflowState | None] = relationship(viewonly=True)
    timer: Mapped[Timer | None] = relationship(viewonly=True)
    open_tasks: Mapped[list[Task]] = relationship(
        primaryjoin="and_(Task.dossier_id == Dossier.id, Task.state == 'open')",
        viewonly=True,
        order_by="Task.id",
    )
    #: the applicant's account and the channels it chose, which a notice is addressed by
    applicant: Mapped[User | None] = relationship(viewonly=True)
    applicant_channels: Mapped[ChannelPreference | None] = relationship(
        primaryjoin="foreign(ChannelPreference.user_id) == Dossier.applicant_user_id",
        viewonly=True,
    )
    postal_shipments: Mapped[list[PostalShipment]] = relationship(
        viewonly=True, order_by="PostalShipment.direction.desc()"
    )

    def __repr__(self) -> str:
        return f"<Dossier {self.code} {self.status}>"


class DossierAgency(Base):
    """An agency other than the receiving one that took part: it keeps read access for good."""

    __tablename__ = "dossier_agencies"
    __table_args__ = (UniqueConstraint("dossier_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: transfer (liên thông: the agency held the dossier) / coordination (gave an opinion)
    part: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="agency_links")


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


class DossierComponent(Base):
    """A dossier component (thành phần hồ sơ) as received: which paper, original or copy, how
    many, and the scans of it. Written at the counter; `document_code` names the procedure's
    `documents` entry it answers.
    """

    __tablename__ = "dossier_components"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document_code: Mapped[str] = mapped_column(String(60))
    #: the document's name as the procedure stated it when the dossier was received
    name: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    #: bản chính (True) or bản sao (False)
    original: Mapped[bool] = mapped_column(default=True)
    count: Mapped[int] = mapped_column(default=1)
    #: ids of the StoredFile scans of this component, in upload order
    file_ids: Mapped[list] = mapped_column(JSON, default=list)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DossierDraft(Base):
    """What a citizen typed and attached for a procedure but has not submitted yet."""

    __tablename__ = "dossier_drafts"
    __table_args__ = (UniqueConstraint("user_id", "procedure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    #: the form fields as typed (not validated: a draft may be incomplete)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: document code -> stored file id
    attachments: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    procedure: Mapped[Procedure] = relationship()


class DossierDocument(Base):
    """A file given for one of the procedure's documents (thành phần hồ sơ)."""

    __tablename__ = "dossier_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: the `code` of the document in procedure.json
    document_code: Mapped[str] = mapped_column(String(80))
    document_name: Mapped[str] = mapped_column(String(500))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    #: submission / supplement
    purpose: Mapped[str] = mapped_column(String(20), default="submission")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile] = relationship()


class DossierMessage(Base):
    """A message between the applicant and the officers about one dossier."""

    __tablename__ = "dossier_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sender_name: Mapped[str] = mapped_column(String(255))
    #: True when the applicant wrote it, False for an officer
    from_applicant: Mapped[bool]
    #: message / withdrawal_request
    kind: Mapped[str] = mapped_column(String(30), default="message")
    body: Mapped[str] = mapped_column(Text)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stored_file: Mapped[StoredFile | None] = relationship()


class Rating(Base):
    """The applicant's satisfaction with a returned dossier: one per dossier."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the agency that handled the dossier
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: 5 Rất hài lòng ... 1 Rất không hài lòng
    level: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    officers: Mapped[list[RatingOfficer]] = relationship(cascade="all, delete-orphan")


class RatingOfficer(Base):
    """An officer who completed a task of the rated dossier."""

    __tablename__ = "rating_officers"

    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class NotificationRead(Base):
    """The applicant has seen this outbox notification in the portal."""

    __tablename__ = "notification_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
