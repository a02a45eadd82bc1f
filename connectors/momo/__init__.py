"""MoMo (payment gateway API v2) as an online payment provider."""

from __future__ import annotations

from connectors.momo.client import MomoProvider

PROVIDER = MomoProvider()
