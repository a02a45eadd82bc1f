from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.configuration.cache import watch
from engine.db import Base


class Agency(Base):
    """A unit that receives or processes dossiers (UBND xã, Sở, phòng chuyên môn...)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: official unit code (mã định danh đơn vị), the prefix of dossier codes
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    #: province / commune / department...
    level: Mapped[str] = mapped_column(String(20))
    #: the statistical code of the administrative unit this agency is the People's Committee
    #: of (mã đơn vị hành chính: "79" for a province, "26734" for a commune); set by the
    #: import (engine/agencies/administrative_units.py), None for hand-made units
    admin_unit_code: Mapped[str | None] = mapped_column(String(10), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: retired units stay for the dossiers that name them
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Agency {self.code} {self.name!r}>"


watch(Agency)
