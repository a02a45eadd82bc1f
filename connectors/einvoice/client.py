"""Issuing an e-invoice for a receipt at the province's provider over a generic REST contract.

The provinces buy VNPT, Viettel or MISA e-invoice services; each is reached through an adapter
that speaks this one contract:

    POST {base_url}/api/invoices
    Authorization: Bearer <api key>
    Idempotency-Key: <the outbox key>       (a repeat returns the first invoice)
    {"reference", "seller": {"code", "name"}, "buyer": {"name"}, "lines": [{"name", "amount"}],
     "total", "currency": "VND", "paid_at", "method"}
    -> 201/200 {"invoice_number", "lookup_code", "issued_at"}

Settings come from Quản trị › Kết nối (provider `einvoice`: base_url, api_key) over the
MOTCUA_EINVOICE_BASE_URL / _API_KEY / _TIMEOUT environment; a stored setting wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.contract import OperationFailed, OperationRefused
from connectors.settings import ProviderSettings, Setting, declare

#: the sandbox (connectors/einvoice/sandbox.py) of `make run`
DEFAULT_BASE_URL = "http://127.0.0.1:5005"

SETTINGS = declare(
    ProviderSettings(
        "einvoice",
        "Hóa đơn điện tử",
        (
            Setting(
                "base_url", "Địa chỉ API", "MOTCUA_EINVOICE_BASE_URL", default=DEFAULT_BASE_URL
            ),
            Setting("api_key", "Khóa API (Bearer)", "MOTCUA_EINVOICE_API_KEY", secret=True),
            Setting("timeout", "Thời gian chờ (giây)", "MOTCUA_EINVOICE_TIMEOUT", default="10"),
        ),
        sandbox="python -m connectors.einvoice.sandbox --port 5005",
    )
)
SETTINGS_PROVIDER = SETTINGS.name


@dataclass(frozen=True)
class EinvoiceSettings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    timeout: float = 10.0


def einvoice_settings(
    stored: Mapping[str, str] | EinvoiceSettings | None = None, environ: Mapping | None = None
) -> EinvoiceSettings:
    """The environment's settings with the administrator's stored ones on top."""
    if isinstance(stored, EinvoiceSettings):
        return stored
    env = SETTINGS.environment(stored, environ)
    try:
        timeout = float(env.get("MOTCUA_EINVOICE_TIMEOUT") or EinvoiceSettings.timeout)
    except ValueError as error:
        raise OperationFailed(f"e-invoice settings: timeout {error}") from error
    return EinvoiceSettings(
        base_url=(env.get("MOTCUA_EINVOICE_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        api_key=env.get("MOTCUA_EINVOICE_API_KEY", ""),
        timeout=timeout,
    )


def issue_invoice(
    receipt_payload: dict,
    idempotency_key: str,
    settings: Mapping[str, str] | EinvoiceSettings | None = None,
) -> dict:
    """The invoice for one receipt: {"invoice_number", "lookup_code", "issued_at"}.

    The outbox key travels as Idempotency-Key, so a retry after a lost answer gets the invoice
    already made instead of a second one. A 4xx (the provider said no: a bad payload, a refused
    key) raises OperationRefused, since retrying cannot help; a 5xx, 408/429, a timeout or a
    refused connection raises OperationFailed, to be retried.
    """
    config = einvoice_settings(settings)
    try:
        response = requests.post(
            f"{config.base_url}/api/invoices",
            json=receipt_payload,
            headers={
                "Authorization": f"Bearer {config.api_key}",
                "Idempotency-Key": idempotency_key,
                "Accept": "application/json",
            },
            timeout=config.timeout,
        )
    except requests.RequestException as error:
        raise OperationFailed(f"e-invoice provider unreachable: {error}") from error
    status = response.status_code
    if status >= 500 or status in (408, 429):
        raise OperationFailed(f"e-invoice provider answered {status}")
    body = _json(response)
    if status >= 400:
        raise OperationRefused(
            str(body.get("error") or f"einvoice_{status}"),
            str(body.get("message") or response.text[:500]),
        )
    try:
        return {
            "invoice_number": str(body["invoice_number"]),
            "lookup_code": str(body["lookup_code"]),
            "issued_at": str(body["issued_at"]),
        }
    except KeyError as error:
        raise OperationFailed(f"e-invoice provider's answer lacks {error}") from error


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
