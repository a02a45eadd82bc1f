from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.agencies.models import Agency
from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class User(Base):
    """A citizen, a business account or an officer; `kind` says which."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    #: citizen / organisation / officer
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: 12-digit CCCD for citizens, tax code for organisations
    id_number: Mapped[str | None] = mapped_column(String(20), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the owner proved the e-mail address with a code; None = not yet
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: failed sign-ins in a row; reset by a successful one
    failed_logins: Mapped[int] = mapped_column(default=0)
    #: sign-in refused until then (lock-out after repeated failures)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: sessions opened before this moment are no longer valid
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.kind})>"


class RoleAssignment(Base):
    """User x role x agency: what an officer may do, and where."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: a code from engine.users.roles.ROLES
    role: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    agency: Mapped[Agency] = relationship()


class AccountCode(Base):
    """A one-time 6-digit code sent by e-mail: proves an address, or allows a password reset."""

    __tablename__ = "account_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: verify_email / reset_password
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the code; the code itself only travels in the e-mail
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: wrong guesses against this code; it dies after MAX_CODE_ATTEMPTS
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(Base):
    """One failed sign-in from an address: the per-IP throttle counts these."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
