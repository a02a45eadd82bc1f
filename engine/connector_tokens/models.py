from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.timestamps import UTCDateTime, utcnow


class ConnectorToken(Base):
    """The current token pair of one provider (`zalo`), written by whichever worker refreshed.

    Not an administrator's setting: the refresh token changes on every refresh (single-use), so
    it lives here rather than in connector_settings, which holds only what people type in.
    Both tokens are stored sealed, as secret settings are; engine/connector_tokens/store.py
    seals and reveals them, so a backup or a raw read of the table never holds them in clear.
    """

    __tablename__ = "connector_tokens"

    #: the row's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the provider whose operations use the tokens (`zalo` for `zalo/send-template`)
    provider: Mapped[str] = mapped_column(String(60), unique=True)
    #: the access token the provider's API takes now, sealed (engine/encryption)
    access_token: Mapped[str] = mapped_column(Text, default="")
    #: the one refresh token not yet spent, sealed (engine/encryption)
    refresh_token: Mapped[str] = mapped_column(Text, default="")
    #: when the access token stops working (UTC)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when a worker last stored a refreshed pair (UTC)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
