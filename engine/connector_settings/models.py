from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class ConnectorSetting(Base):
    """One setting of one connector provider (`email` / `smtp_host` = `mail.example.vn`).

    A secret's value is written by the administrator and read by the connector, never shown
    back on a page. It is stored sealed (engine/encryption: `fernet:` + a Fernet token under
    MOTCUA_SETTINGS_KEY); a plain setting is stored as given.
    """

    __tablename__ = "connector_settings"
    __table_args__ = (UniqueConstraint("provider", "key"),)

    #: the row's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the provider, the first part of its operations' names (`email` for `email/send`)
    provider: Mapped[str] = mapped_column(String(60))
    #: the setting's name within the provider
    key: Mapped[str] = mapped_column(String(120))
    #: the value; for a secret, sealed, and only connectors read it (through provider_settings)
    value: Mapped[str] = mapped_column(Text, default="")
    #: a password, token or key: the page shows only that it is set
    is_secret: Mapped[bool] = mapped_column(default=False)
    #: when the value last changed (UTC)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
