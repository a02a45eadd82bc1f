"""Brandname SMS through an HTTP gateway, registered as the connector operation `sms/send`."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.contract import Operation
from connectors.registry import register
from connectors.sms.client import SETTINGS_PROVIDER, send_sms, sms_settings


def perform_send(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """The `sms/send` operation; the idempotency key is the gateway's request_id."""
    return send_sms(
        payload.get("phone", ""), payload.get("text", ""), idempotency_key, sms_settings(stored)
    )


register(
    Operation(
        name="sms/send",
        label="Gửi tin nhắn SMS",
        waits_for_result=False,
        perform=perform_send,
        settings_provider=SETTINGS_PROVIDER,
        parameters=("phone", "text"),
    )
)
