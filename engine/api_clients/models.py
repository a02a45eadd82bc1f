from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class ApiClientKey(Base):
    """A key another system uses: what it may do (scopes) and for which agencies."""

    __tablename__ = "api_client_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: who holds it: "Cổng DVC quốc gia", "Ứng dụng di động", an integrator's name
    client_name: Mapped[str] = mapped_column(String(200))
    #: the token's first characters (`mc_live_AbCd1234`), shown to tell keys apart
    prefix: Mapped[str] = mapped_column(String(24), index=True)
    #: SHA-256 (hex) of the whole token; the token itself is never stored
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the operations allowed, codes of engine.api_clients.scopes.SCOPES
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    #: ids of the agencies the key acts for (their dossiers and tasks, no others)
    agency_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: refused from this moment on; None = no expiry
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last accepted call, to a minute (engine.api_clients.authentication)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PersonalToken(Base):
    """A token a signed-in user made on their account page: it acts exactly as they do."""

    __tablename__ = "personal_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: what the owner called it ("máy tính ở nhà", "script báo cáo")
    name: Mapped[str] = mapped_column(String(200))
    #: the token's first characters (`mc_pat_AbCd1234`)
    prefix: Mapped[str] = mapped_column(String(24))
    #: SHA-256 (hex) of the whole token
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
