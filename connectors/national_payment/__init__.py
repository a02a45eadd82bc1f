"""Nền tảng thanh toán of Cổng Dịch vụ công quốc gia as an online payment provider."""

from __future__ import annotations

from connectors.national_payment.client import NationalPaymentProvider

PROVIDER = NationalPaymentProvider()
