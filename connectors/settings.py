"""What each provider can be configured with, declared once beside its client.

A provider's settings are read, in order, from Quản trị › Kết nối (stored in the database), then
from a MOTCUA_* environment variable, then from the local sandbox's default, so a fresh machine
talks to the sandboxes and switching to the real service is settings only. Declaring them here
lets the settings page list every key with its meaning and where its current value comes from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

STORED = "stored"
ENVIRONMENT = "environment"
DEFAULT = "default"
UNSET = "unset"


@dataclass(frozen=True)
class Setting:
    key: str
    #: what the administrator reads, in Vietnamese
    label: str
    #: the environment variable a stored value overrides
    env: str
    secret: bool = False
    #: the value used when neither is set (the sandbox's), "" for none
    default: str = ""


@dataclass(frozen=True)
class ProviderSettings:
    #: the provider's name on Quản trị › Kết nối and in the stored rows
    name: str
    label: str
    settings: tuple[Setting, ...]
    #: how `make run` starts its local sandbox, shown to the administrator
    sandbox: str = ""

    def environment(
        self, stored: Mapping[str, str] | None, environ: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The environment with the administrator's stored values on top, by variable name."""
        env = dict(os.environ if environ is None else environ)
        by_key = {setting.key: setting.env for setting in self.settings}
        env.update({by_key[key]: value for key, value in (stored or {}).items() if key in by_key})
        return env

    def values(
        self, stored: Mapping[str, str] | None, environ: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The settings given, by key: a stored value wins over its environment variable; a
        setting given neither is left out, so the client's own default (the sandbox) applies."""
        env = os.environ if environ is None else environ
        given = {}
        for setting in self.settings:
            value = ((stored or {}).get(setting.key) or env.get(setting.env) or "").strip()
            if value:
                given[setting.key] = value
        return given

    def values_or_sandbox(
        self, stored: Mapping[str, str] | None, sandbox_url: str, sandbox: Mapping[str, str]
    ) -> dict[str, str]:
        """`values`, with `base_url` defaulting to the sandbox's and, only while it is the
        sandbox's, the sandbox's own credentials filling the blanks: a real provider is never
        sent the sandbox's keys."""
        given = self.values(stored)
        given["base_url"] = given.get("base_url", sandbox_url).rstrip("/")
        if given["base_url"] == sandbox_url.rstrip("/"):
            given = {**sandbox, **given}
        return given

    def source(
        self, setting: Setting, stored: Mapping[str, str], environ: Mapping[str, str] | None = None
    ) -> str:
        """Where the value in use comes from: STORED, ENVIRONMENT, DEFAULT or UNSET."""
        env = os.environ if environ is None else environ
        if stored.get(setting.key):
            return STORED
        if env.get(setting.env):
            return ENVIRONMENT
        return DEFAULT if setting.default else UNSET


_declared: dict[str, ProviderSettings] = {}


def declare(provider: ProviderSettings) -> ProviderSettings:
    _declared[provider.name] = provider
    return provider


def declared_providers() -> list[ProviderSettings]:
    """Every provider whose client is loaded (the registry and the payment providers load ours)."""
    from connectors.payment.providers import available_providers
    from connectors.registry import list_operations

    list_operations()
    available_providers()
    return [_declared[name] for name in sorted(_declared)]
