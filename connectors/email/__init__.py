"""E-mail delivery over SMTP, registered as the connector operation `email/send`."""

from __future__ import annotations

from connectors.contract import Operation
from connectors.email.client import SETTINGS_PROVIDER, perform_send
from connectors.registry import register

register(
    Operation(
        name="email/send",
        label="Gửi thư điện tử",
        waits_for_result=False,
        perform=perform_send,
        settings_provider=SETTINGS_PROVIDER,
        parameters=("to", "subject", "body"),
    )
)
