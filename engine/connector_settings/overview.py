"""Every declared provider setting with the value in use and where it comes from.

What the administrator needs before switching a provider from its sandbox to the real service:
which keys exist, which are set here, which come from the server's environment and which still
fall back to the sandbox. A secret's value is never in here, whatever its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.settings import DEFAULT, ENVIRONMENT, STORED, declared_providers
from engine.agencies.tree import require_root_administrator
from engine.connector_settings.models import ConnectorSetting
from engine.encryption.cipher import is_readable
from engine.users.actor import Actor

SOURCE_LABELS = {
    STORED: "Đã lưu tại đây",
    ENVIRONMENT: "Biến môi trường",
    DEFAULT: "Mặc định (hộp cát thử nghiệm)",
    "unset": "Chưa đặt",
}


@dataclass(frozen=True)
class DeclaredSetting:
    key: str
    label: str
    env: str
    is_secret: bool
    source: str
    #: the value in use, for a plain setting; "" for a secret
    value: str
    #: the stored row, when the value is set here
    setting_id: int | None
    #: a stored secret the keys in force cannot decrypt: it must be typed in again
    is_unreadable: bool = False


@dataclass(frozen=True)
class ProviderOverview:
    name: str
    label: str
    sandbox: str
    settings: list[DeclaredSetting]


def provider_overview(
    session: Session, actor: Actor, environ: Mapping[str, str] | None = None
) -> list[ProviderOverview]:
    require_root_administrator(session, actor)
    rows: dict[str, dict[str, ConnectorSetting]] = {}
    for row in session.scalars(select(ConnectorSetting)):
        rows.setdefault(row.provider, {})[row.key] = row
    overview = []
    for provider in declared_providers():
        stored_rows = rows.get(provider.name, {})
        stored = {key: row.value for key, row in stored_rows.items()}
        env = provider.environment({}, environ)
        settings = []
        for setting in provider.settings:
            source = provider.source(setting, stored, env)
            value = {STORED: stored.get(setting.key, ""), ENVIRONMENT: env.get(setting.env, "")}
            row = stored_rows.get(setting.key)
            settings.append(
                DeclaredSetting(
                    key=setting.key,
                    label=setting.label,
                    env=setting.env,
                    is_secret=setting.secret,
                    source=source,
                    value="" if setting.secret else value.get(source, setting.default),
                    setting_id=row.id if row is not None else None,
                    is_unreadable=row is not None and row.is_secret and not is_readable(row.value),
                )
            )
        overview.append(ProviderOverview(provider.name, provider.label, provider.sandbox, settings))
    return overview


def declared_keys() -> dict[tuple[str, str], bool]:
    """(provider, key) -> is it a secret, for every declared setting."""
    return {
        (provider.name, setting.key): setting.secret
        for provider in declared_providers()
        for setting in provider.settings
    }
