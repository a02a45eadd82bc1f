"""E-mail delivery over SMTP, registered as the connector operation `email/send`."""

from __future__ import annotations

from connectors.contract import Operation
from connectors.email.client import send_email
from connectors.registry import register

register(
    Operation(
        name="email/send",
        label="Gửi thư điện tử",
        waits_for_result=False,
        perform=send_email,
    )
)
