"""The e-invoice connector over real HTTP to the sandbox provider."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.contract import OperationFailed, OperationRefused
from connectors.einvoice.client import DEFAULT_BASE_URL, einvoice_settings, issue_invoice
from connectors.einvoice.sandbox import EinvoiceSandbox
from connectors.registry import find_operation


@pytest.fixture
def provider():
    sandbox = EinvoiceSandbox().start()
    yield sandbox
    sandbox.stop()


def _payload(**overrides) -> dict:
    payload = {
        "reference": "BL-2026/0000001",
        "seller": {"code": "000.00.01.H57", "name": "UBND phường Phú Cường"},
        "buyer": {"name": "Nguyễn Văn An"},
        "lines": [
            {"name": "Lệ phí đăng ký khai sinh", "amount": 80000},
            {"name": "Phí cấp bản sao", "amount": 20000},
        ],
        "total": 100000,
        "currency": "VND",
        "paid_at": datetime(2026, 12, 5, 3, 30, tzinfo=UTC).isoformat(),
        "method": "online",
    }
    payload.update(overrides)
    return payload


def test_issued(provider):
    invoice = issue_invoice(_payload(), "e-receipt-1", provider.settings)
    assert invoice["invoice_number"] == "0000001"
    assert invoice["lookup_code"]
    assert datetime.fromisoformat(invoice["issued_at"])
    [sent] = provider.requests
    assert sent["idempotency_key"] == "e-receipt-1"
    assert sent["payload"]["buyer"] == {"name": "Nguyễn Văn An"}
    assert sent["payload"]["total"] == 100000


def test_repeat_with_the_same_key_returns_the_first_invoice(provider):
    first = issue_invoice(_payload(), "e-receipt-1", provider.settings)
    again = issue_invoice(_payload(), "e-receipt-1", provider.settings)
    other = issue_invoice(_payload(), "e-receipt-2", provider.settings)
    assert again == first
    assert other["invoice_number"] == "0000002"
    assert len(provider.invoices) == 2


def test_bad_total_is_refused(provider):
    with pytest.raises(OperationRefused) as refused:
        issue_invoice(_payload(total=90000), "e-receipt-1", provider.settings)
    assert refused.value.code == "invalid_invoice"
    assert "Tổng tiền" in refused.value.message
    with pytest.raises(OperationRefused):
        issue_invoice(_payload(lines=[], total=0), "e-receipt-1", provider.settings)
    assert provider.invoices == {}


def test_wrong_api_key_is_refused(provider):
    with pytest.raises(OperationRefused) as refused:
        issue_invoice(_payload(), "k", {**provider.settings, "api_key": "wrong"})
    assert refused.value.code == "unauthorized"


def test_provider_down_is_a_temporary_failure(provider):
    provider.set_down()
    with pytest.raises(OperationFailed):
        issue_invoice(_payload(), "e-receipt-1", provider.settings)
    provider.set_down(False)
    assert issue_invoice(_payload(), "e-receipt-1", provider.settings)["invoice_number"]


def test_unreachable_provider_is_a_temporary_failure(provider):
    settings = {**provider.settings, "timeout": "2"}
    provider.stop()
    with pytest.raises(OperationFailed):
        issue_invoice(_payload(), "e-receipt-1", settings)


def test_settings_from_environment_under_stored_ones():
    env = {"MOTCUA_EINVOICE_BASE_URL": "http://127.0.0.1:9/", "MOTCUA_EINVOICE_API_KEY": "env"}
    assert einvoice_settings({}, env).base_url == "http://127.0.0.1:9"
    assert einvoice_settings({"api_key": "stored"}, env).api_key == "stored"
    assert einvoice_settings({}, {}).base_url == DEFAULT_BASE_URL


def test_operation_is_registered():
    operation = find_operation("einvoice/issue")
    assert operation is not None
    assert operation.settings_provider == "einvoice"
    assert operation.parameters == ()
    assert operation.perform is issue_invoice
