"""The administrators' audit trail: every change to procedures, agencies, people and calendar.

Dossier changes have their own history (DossierEvent); this table covers what is not a dossier.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow
from engine.users.actor import Actor


class AdminAuditEntry(Base):
    __tablename__ = "admin_audit_entries"
    __table_args__ = (Index("ix_admin_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    #: procedure_created / procedure_updated / procedure_retired / user_deactivated ...
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: what was changed: "procedure:1.001612", "user:thuly", "agency:000.00.20.H25"
    target: Mapped[str] = mapped_column(String(255), index=True)
    #: the changed fields, or whatever the action wants to keep
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record_admin_change(
    session: Session, actor: Actor, action: str, target: str, details: dict | None = None
) -> AdminAuditEntry:
    entry = AdminAuditEntry(
        actor_id=actor.user_id,
        actor_name=actor.full_name,
        action=action,
        target=target,
        details=details or {},
        at=utcnow(),
    )
    session.add(entry)
    return entry
