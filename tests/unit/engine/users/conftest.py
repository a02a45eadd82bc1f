"""Fixtures for account tests: the outbox worker that sends to the SMTP sandbox (`smtp`)."""

import re

import pytest

from engine.outbox.dispatch import perform_due

CODE = re.compile(r"\b(\d{6})\b")


class Mailbox:
    """Runs the outbox worker, then reads what the SMTP server received."""

    def __init__(self, smtp, session_factory):
        self.smtp = smtp
        self.session_factory = session_factory

    def deliver(self) -> int:
        return perform_due(self.session_factory)

    def latest_code(self, address: str) -> str:
        self.deliver()
        message = self.smtp.wait_for(address)
        return CODE.search(message.get_content()).group(1)


@pytest.fixture
def mailbox(smtp, session_factory) -> Mailbox:
    return Mailbox(smtp, session_factory)
