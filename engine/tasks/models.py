from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.dossiers.models import Dossier
from engine.timestamps import UTCDateTime, utcnow

OPEN = "open"
COMPLETED = "completed"
CANCELLED = "cancelled"


class Task(Base):
    """A user task as inboxes see it: read without loading the workflow."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_inbox", "state", "agency_id", "role", "due_at"),
        Index("ix_tasks_assignee", "state", "assignee_id", "due_at"),
        #: Mẫu 05 and the officer statistics: tasks an officer completed
        Index("ix_tasks_completed_by", "completed_by_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: SpiffWorkflow's task UUID; a task reset to (returned, undone) is offered again in a new row
    spiff_task_id: Mapped[str] = mapped_column(String(36), index=True)
    #: the BPMN element id
    bpmn_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    #: lane role code; "applicant" for the applicant's own tasks
    role: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    form_name: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(12), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: optimistic lock: a completion names the version it saw
    version: Mapped[int] = mapped_column(default=1)

    dossier: Mapped[Dossier] = relationship()

    __mapper_args__ = {"version_id_col": version}
