from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime


class WorkflowState(Base):
    """One serialized SpiffWorkflow state per dossier.

    Text, never JSONB: SpiffWorkflow restores task data as deltas in the order of its `tasks`
    mapping, and JSONB's key reordering silently empties it.
    """

    __tablename__ = "workflow_states"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    state: Mapped[str] = mapped_column(Text)


class Timer(Base):
    """The earliest waiting BPMN timer of a dossier, so the worker finds due ones by index."""

    __tablename__ = "timers"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
