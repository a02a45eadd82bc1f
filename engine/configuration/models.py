from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class ConfigurationGeneration(Base):
    """One row whose token changes with every edit of cached configuration (connector
    settings, notice wordings): a process that sees an unchanged token may keep what it read.

    A random token rather than a counter, so that a database created afresh never repeats the
    value another database had in the same process.
    """

    __tablename__ = "configuration_generation"
    #: a token, not data: a restored database keeps the one its migration made
    __table_args__ = {"info": {"backup": False}}

    #: always 1
    id: Mapped[int] = mapped_column(primary_key=True)
    #: changed by `configuration_changed` in the editing transaction
    token: Mapped[str] = mapped_column(String(32))
