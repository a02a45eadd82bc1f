"""The online payment providers a payer may choose, by name."""

from __future__ import annotations

import importlib

from connectors.payment.contract import PaymentProvider

#: provider name -> module exposing PROVIDER
MODULES = {
    "vnpay": "connectors.vnpay",
    "national_payment": "connectors.national_payment",
    "momo": "connectors.momo",
}


def payment_provider(name: str) -> PaymentProvider | None:
    module = MODULES.get(name)
    if module is None:
        return None
    try:
        return importlib.import_module(module).PROVIDER
    except ModuleNotFoundError:
        return None


def available_providers() -> list[PaymentProvider]:
    return [p for p in (payment_provider(name) for name in MODULES) if p is not None]


def provider_label(name: str | None) -> str:
    """What a payer reads for a provider's name ("VNPay"); the name itself when unknown."""
    provider = payment_provider(name or "")
    return provider.label if provider is not None else (name or "")
