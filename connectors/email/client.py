"""Sending one e-mail with smtplib, configured on Quản trị › Kết nối (provider `email`) or by
MOTCUA_SMTP_* environment variables; a stored setting wins over the environment.

The payload is `{"to": address, "subject": ..., "body": ...}` (plain text, UTF-8). The outbox
idempotency key becomes the Message-ID, so a message the worker sends twice after a crash is
recognisably the same message to the receiving side.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from connectors.contract import OperationFailed
from connectors.settings import ProviderSettings, Setting, declare


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "motcua <no-reply@motcua.local>"
    starttls: bool = False
    timeout: float = 10.0


def settings_from_env(environ: dict | None = None) -> SmtpSettings:
    """MOTCUA_SMTP_HOST / PORT / USER / PASSWORD / FROM / STARTTLS ("1" turns it on)."""
    env = os.environ if environ is None else environ
    return SmtpSettings(
        host=env.get("MOTCUA_SMTP_HOST", "127.0.0.1"),
        port=int(env.get("MOTCUA_SMTP_PORT", "25")),
        user=env.get("MOTCUA_SMTP_USER") or None,
        password=env.get("MOTCUA_SMTP_PASSWORD") or None,
        sender=env.get("MOTCUA_SMTP_FROM", SmtpSettings.sender),
        starttls=env.get("MOTCUA_SMTP_STARTTLS", "") in ("1", "true", "yes"),
    )


SETTINGS = declare(
    ProviderSettings(
        "email",
        "Thư điện tử (SMTP)",
        (
            Setting("host", "Máy chủ SMTP", "MOTCUA_SMTP_HOST", default="127.0.0.1"),
            Setting("port", "Cổng", "MOTCUA_SMTP_PORT", default="25"),
            Setting("user", "Tài khoản đăng nhập", "MOTCUA_SMTP_USER"),
            Setting("password", "Mật khẩu", "MOTCUA_SMTP_PASSWORD", secret=True),
            Setting("from", "Người gửi (From)", "MOTCUA_SMTP_FROM", default=SmtpSettings.sender),
            Setting("starttls", "Bật STARTTLS (1 để bật)", "MOTCUA_SMTP_STARTTLS"),
        ),
        sandbox="python -m connectors.email.sandbox --port 8025 --maildir var/mail",
    )
)
#: the provider name of the e-mail settings on Quản trị › Kết nối
SETTINGS_PROVIDER = SETTINGS.name


def smtp_settings(stored: Mapping[str, str], environ: dict | None = None) -> SmtpSettings:
    """The environment's settings with the administrator's stored ones on top."""
    try:
        return settings_from_env(SETTINGS.environment(stored, environ))
    except ValueError as error:
        raise OperationFailed(f"SMTP settings: {error}") from error


def perform_send(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """The `email/send` operation, with the settings the worker read for provider `email`."""
    return send_email(payload, idempotency_key, smtp_settings(stored))


def build_message(settings: SmtpSettings, payload: dict, idempotency_key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{_message_id_part(idempotency_key)}@motcua>"
    message.set_content(payload["body"], charset="utf-8")
    return message


def send_email(payload: dict, idempotency_key: str, settings: SmtpSettings | None = None) -> dict:
    """The `email/send` operation: deliver to the SMTP server or raise OperationFailed to retry."""
    settings = settings or settings_from_env()
    message = build_message(settings, payload, idempotency_key)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise OperationFailed(f"SMTP {settings.host}:{settings.port}: {error}") from error
    if refused:
        raise OperationFailed(f"recipients refused: {sorted(refused)}")
    return {"delivered": True, "message_id": message["Message-ID"]}


def _message_id_part(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in ".-_" else "-" for ch in key)
