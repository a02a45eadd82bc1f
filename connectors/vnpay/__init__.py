"""VNPay (API 2.1.0) as an online payment provider; the integrator registers `PROVIDER`."""

from __future__ import annotations

from connectors.vnpay.client import VnpayProvider

PROVIDER = VnpayProvider()
