"""Reading and writing connector settings; a secret is never read back by a page.

The settings serve the whole deployment, so only an administrator of a top-level agency sees or
changes them. Saving a secret with an empty value keeps the stored one: the form never holds
the old secret, so an empty field means "unchanged", not "erase". A secret is sealed before it
is stored and revealed only in `provider_settings`, for the connector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.tree import require_root_administrator
from engine.configuration.cache import cached, configuration_changed
from engine.connector_settings.models import ConnectorSetting
from engine.connector_settings.overview import declared_keys
from engine.encryption.cipher import is_readable, reveal, seal
from engine.errors import InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

_PROVIDER = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,119}$")
VALUE_MAX_LENGTH = 4000


@dataclass(frozen=True)
class SettingView:
    """What a page may show of a setting: a secret's value is never in here."""

    id: int
    provider: str
    key: str
    #: the value of a plain setting; "" for a secret
    value: str
    is_secret: bool
    #: a secret has a stored value
    is_set: bool
    #: the keys in force decrypt the stored value (False: sealed under a key no longer listed)
    is_readable: bool = True


def list_settings(session: Session, actor: Actor) -> list[SettingView]:
    require_root_administrator(session, actor)
    rows = session.scalars(
        select(ConnectorSetting).order_by(ConnectorSetting.provider, ConnectorSetting.key)
    )
    return [_view(row) for row in rows]


def save_setting(
    session: Session,
    actor: Actor,
    *,
    provider: str,
    key: str,
    value: str,
    is_secret: bool,
    setting_id: int | None = None,
) -> SettingView:
    """Create a setting (no `setting_id`) or change one; an empty secret keeps the old one."""
    require_root_administrator(session, actor)
    value = value or ""
    errors: dict[str, str] = {}
    if setting_id is None:
        provider, key = (provider or "").strip(), (key or "").strip()
        if not _PROVIDER.match(provider):
            errors["provider"] = "Tên nhà cung cấp gồm chữ thường, số, - hoặc _ (ví dụ email)."
        if not _KEY.match(key):
            errors["key"] = "Tên thiết lập bắt đầu bằng chữ, gồm chữ, số, . - _ (ví dụ smtp_host)."
        elif session.scalar(
            select(ConnectorSetting.id).where(
                ConnectorSetting.provider == provider, ConnectorSetting.key == key
            )
        ):
            errors["key"] = f"Thiết lập {provider}/{key} đã có; sửa ở dòng của nó."
        # a declared secret stays a secret whatever the form says
        is_secret = declared_keys().get((provider, key), is_secret)
        setting = ConnectorSetting(provider=provider, key=key, is_secret=is_secret)
    else:
        setting = session.get(ConnectorSetting, setting_id)
        if setting is None:
            raise NotFound("Không tìm thấy thiết lập kết nối.")
    keeps_secret = setting.is_secret and not value and setting_id is not None
    if setting.is_secret and not value and setting_id is None:
        errors["value"] = "Nhập giá trị bí mật."
    if len(value) > VALUE_MAX_LENGTH:
        errors["value"] = f"Giá trị dài tối đa {VALUE_MAX_LENGTH} ký tự."
    if errors:
        raise InvalidInput("Thiết lập kết nối chưa hợp lệ.", errors)
    if not keeps_secret:
        setting.value = seal(value) if setting.is_secret else value
        setting.updated_at = utcnow()
    session.add(setting)
    session.flush()
    configuration_changed(session)
    record_admin_change(
        session,
        actor,
        "connector_setting_saved",
        f"connector:{setting.provider}/{setting.key}",
        {"secret": "giữ nguyên" if keeps_secret else "đã thay"}
        if setting.is_secret
        else {"value": setting.value},
    )
    return _view(setting)


def remove_setting(session: Session, actor: Actor, setting_id: int) -> None:
    require_root_administrator(session, actor)
    setting = session.get(ConnectorSetting, setting_id)
    if setting is None:
        raise NotFound("Không tìm thấy thiết lập kết nối.")
    record_admin_change(
        session, actor, "connector_setting_removed", f"connector:{setting.provider}/{setting.key}"
    )
    session.delete(setting)
    session.flush()
    configuration_changed(session)


def provider_settings(session: Session, provider: str) -> dict[str, str]:
    """Every setting of a provider, secrets decrypted: for the connector, never for a page.

    A step reads them from this process's cache while no edit has changed them."""

    def read() -> dict[str, str]:
        rows = session.execute(
            select(ConnectorSetting.key, ConnectorSetting.value, ConnectorSetting.is_secret).where(
                ConnectorSetting.provider == provider
            )
        )
        return {
            key: reveal(value, f"{provider}/{key}") if is_secret else value
            for key, value, is_secret in rows.all()
        }

    return dict(cached(session, ("connector_settings", provider), read))


def _view(row: ConnectorSetting) -> SettingView:
    return SettingView(
        id=row.id,
        provider=row.provider,
        key=row.key,
        value="" if row.is_secret else row.value,
        is_secret=row.is_secret,
        is_set=bool(row.value),
        is_readable=not row.is_secret or is_readable(row.value),
    )
