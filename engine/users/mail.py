"""Account e-mails: composed from the .txt templates in emails/, sent through the outbox.

A template's first line is `Subject: ...`, then a blank line, then the body; `$name` places
are filled with string.Template. The mail leaves only after the caller's transaction commits
(the worker performs the `email/send` row), so a rolled-back registration sends nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from string import Template

from sqlalchemy.orm import Session

from engine.outbox.models import OutboxMessage

TEMPLATES = Path(__file__).with_name("emails")


def compose_email(template: str, values: dict, folder: Path = TEMPLATES) -> tuple[str, str]:
    """(subject, body) of template `<folder>/<template>.txt` filled with `values`."""
    text = Template((folder / f"{template}.txt").read_text(encoding="utf-8"))
    head, _, body = text.substitute(values).partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"e-mail template {template} must start with 'Subject: '")
    return head.removeprefix("Subject: ").strip(), body.strip() + "\n"


def enqueue_email(session: Session, *, to: str, template: str, values: dict) -> OutboxMessage:
    subject, body = compose_email(template, values)
    message = OutboxMessage(
        operation="email/send",
        payload={"to": to, "subject": subject, "body": body},
        idempotency_key=f"email:{template}:{uuid.uuid4()}",
    )
    session.add(message)
    session.flush()
    return message
