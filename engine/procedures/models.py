from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.agencies.models import Agency
from engine.configuration.cache import watch
from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class Procedure(Base):
    """An administrative procedure (TTHC) as declared in the catalogue."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: national procedure code, e.g. 1.001193
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    #: lĩnh vực
    field: Mapped[str] = mapped_column(String(255), default="", index=True)
    #: commune / district / province / ministry
    level: Mapped[str] = mapped_column(String(20), default="commune")
    #: toan_trinh / mot_phan / "" (dịch vụ công trực tuyến toàn trình or một phần)
    online_service_level: Mapped[str] = mapped_column(String(20), default="")
    #: name, code and field folded to plain lower-case ASCII, for keyword search
    search_text: Mapped[str] = mapped_column(Text, default="")
    deadline_working_days: Mapped[int] = mapped_column(default=1)
    #: the procedure record as published (fees, documents, legal basis...)
    record: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the home unit: it manages the record, and receives the dossiers unless units are
    #: assigned in procedure_agencies (engine/procedures/receiving_units.py)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency | None] = relationship()
    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Procedure {self.code} {self.name!r}>"


class ProcedureVersion(Base):
    """A frozen procedure package. Never updated: a change is a new version."""

    __tablename__ = "procedure_versions"
    __table_args__ = (
        UniqueConstraint("procedure_id", "number"),
        UniqueConstraint("procedure_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    number: Mapped[int]
    #: SHA-256 of the package files: the version's identity
    content_hash: Mapped[str] = mapped_column(String(64))
    #: id of the executable BPMN process
    process_id: Mapped[str] = mapped_column(String(255))
    #: every file of the package, path -> text (BPMN, forms, procedure.json)
    files: Mapped[dict] = mapped_column(JSON, deferred=True)
    #: the parsed process definition, serialized once and shared by every dossier's state
    spec: Mapped[str] = mapped_column(Text, deferred=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    procedure: Mapped[Procedure] = relationship(back_populates="versions")

    def form(self, name: str) -> dict:
        return json.loads(self.files[f"forms/{name}"])

    def procedure_record(self) -> dict:
        """procedure.json, a fresh dict each call; its text is kept per content hash, so the
        step's deadline and the forms do not load the whole package from the database again
        (a version never changes)."""
        text = _record_texts.get(self.content_hash)
        if text is None:
            text = self.files["procedure.json"]
            if len(_record_texts) > 1024:
                _record_texts.clear()
            _record_texts[self.content_hash] = text
        return json.loads(text)


#: procedure.json of each published version, by content hash
_record_texts: dict[str, str] = {}


class ProcedureDraft(Base):
    """An uploaded package that passed validation and waits for an administrator to publish it.

    Nothing in the catalogue changes until it is published; publishing turns it into a
    `ProcedureVersion` and deletes the draft. Drafts can be previewed and trial-run.
    """

    __tablename__ = "procedure_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the procedure code and name from the package's procedure.json
    code: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    #: every file of the package, path -> text, as a version keeps them
    files: Mapped[dict] = mapped_column(JSON, deferred=True)
    #: the agency that will receive dossiers when the procedure is new (else its own)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency | None] = relationship()

    def form(self, name: str) -> dict:
        return json.loads(self.files[f"forms/{name}"])

    def procedure_record(self) -> dict:
        return json.loads(self.files["procedure.json"])


class ProcedureAgency(Base):
    """Unit x procedure: this unit receives and handles dossiers of this procedure."""

    __tablename__ = "procedure_agencies"
    __table_args__ = (UniqueConstraint("procedure_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)


watch(Procedure)
watch(ProcedureVersion)
watch(ProcedureAgency)
