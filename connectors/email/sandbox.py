"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests and `make run`.

It speaks real SMTP: the system under test sends through smtplib exactly as it would to a
provider, and the test reads the message back from `MailSandbox.messages` (and, when a folder is
given, from a maildir that any mail client can open).

    python -m connectors.email.sandbox --port 8025 --maildir var/mail
"""

from __future__ import annotations

import argparse
import mailbox
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _KeepingHandler:
    def __init__(self, sandbox: MailSandbox):
        self.sandbox = sandbox

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.sandbox.keep(message, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MailSandbox:
    """Start on a free port (port=0), read `messages`, stop."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, maildir: Path | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.maildir = mailbox.Maildir(maildir, create=True) if maildir else None
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(_KeepingHandler(self), hostname=host, port=self.port)

    def start(self) -> MailSandbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def keep(self, message: EmailMessage, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            if self.maildir is not None:
                self.maildir.add(message)

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, timeout: float = 5.0) -> EmailMessage:
        """The latest message to `address`, waiting a little for the server thread."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages_to(address)
            if found:
                return found[-1]
            time.sleep(0.02)
        raise LookupError(f"no message to {address} within {timeout}s")

    @property
    def environment(self) -> dict[str, str]:
        """The settings that point motcua's e-mail connector at this server."""
        return {"MOTCUA_SMTP_HOST": self.host, "MOTCUA_SMTP_PORT": str(self.port)}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description="Máy chủ SMTP thử nghiệm của motcua.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--maildir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    sandbox = MailSandbox(args.host, args.port, args.maildir).start()
    print(f"SMTP thử nghiệm: {args.host}:{args.port}, thư lưu tại {args.maildir}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
