"""Re-encrypting every stored connector secret with the first key (`motcua settings rotate-key`).

Run after putting a new key first in MOTCUA_SETTINGS_KEY and before removing the old one; it
also seals any secret still stored in clear. Works on the tables directly, the one place besides
the migration that knows which columns hold sealed values.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, select, table, update
from sqlalchemy.orm import Session

from engine.encryption.cipher import reseal

_SETTINGS = table(
    "connector_settings",
    column("id"),
    column("provider"),
    column("key"),
    column("value"),
    column("is_secret"),
)
_TOKENS = table(
    "connector_tokens",
    column("id"),
    column("provider"),
    column("access_token"),
    column("refresh_token"),
)


@dataclass(frozen=True)
class RotationReport:
    settings: int
    tokens: int


def rotate_secrets(session: Session) -> RotationReport:
    """Reseal every secret setting and token in the session's transaction (all or nothing)."""
    settings = 0
    rows = session.execute(
        select(_SETTINGS.c.id, _SETTINGS.c.provider, _SETTINGS.c.key, _SETTINGS.c.value).where(
            _SETTINGS.c.is_secret.is_(True)
        )
    ).all()
    for row_id, provider, key, value in rows:
        if value:
            session.execute(
                update(_SETTINGS)
                .where(_SETTINGS.c.id == row_id)
                .values(value=reseal(value, f"{provider}/{key}"))
            )
            settings += 1
    tokens = 0
    for row_id, provider, access, refresh in session.execute(
        select(_TOKENS.c.id, _TOKENS.c.provider, _TOKENS.c.access_token, _TOKENS.c.refresh_token)
    ).all():
        where = f"connector_tokens/{provider}"
        session.execute(
            update(_TOKENS)
            .where(_TOKENS.c.id == row_id)
            .values(access_token=reseal(access, where), refresh_token=reseal(refresh, where))
        )
        tokens += 1
    session.flush()
    return RotationReport(settings, tokens)
