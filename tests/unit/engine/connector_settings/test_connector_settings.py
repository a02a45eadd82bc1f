"""Connector settings: secrets are write-only, an empty secret keeps the old one, all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connectors.email.sandbox import free_port
from engine.connector_settings.settings import (
    list_settings,
    provider_settings,
    remove_setting,
    save_setting,
)
from engine.db import transaction
from engine.errors import Forbidden, InvalidInput
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, OutboxMessage
from engine.users.admin_audit import AdminAuditEntry


def save(session_factory, actor, **fields):
    with session_factory() as session, transaction(session):
        return save_setting(session, actor, **fields)


def test_a_secret_is_never_shown_and_an_empty_value_keeps_it(demo, session_factory):
    admin = demo.actor("quantritinh")
    host = save(
        session_factory,
        admin,
        provider="email",
        key="smtp_host",
        value="mail.example.vn",
        is_secret=False,
    )
    secret = save(
        session_factory,
        admin,
        provider="email",
        key="smtp_password",
        value="bí-mật-1",
        is_secret=True,
    )
    assert (secret.value, secret.is_set) == ("", True)

    save(
        session_factory, admin, provider="", key="", value="", is_secret=False, setting_id=secret.id
    )
    with session_factory() as session:
        assert provider_settings(session, "email")["smtp_password"] == "bí-mật-1"
    save(
        session_factory,
        admin,
        provider="",
        key="",
        value="bí-mật-2",
        is_secret=False,
        setting_id=secret.id,
    )
    with session_factory() as session:
        views = list_settings(session, admin)
        assert provider_settings(session, "email") == {
            "smtp_host": "mail.example.vn",
            "smtp_password": "bí-mật-2",
        }
        details = [entry.details for entry in session.query(AdminAuditEntry).order_by("id")]
    assert [(v.key, v.value) for v in views] == [
        ("smtp_host", "mail.example.vn"),
        ("smtp_password", ""),
    ]
    assert "bí-mật" not in repr(details)
    assert details[1:] == [{"secret": "đã thay"}, {"secret": "giữ nguyên"}, {"secret": "đã thay"}]

    with session_factory() as session, transaction(session):
        remove_setting(session, admin, host.id)
    with session_factory() as session:
        assert list(provider_settings(session, "email")) == ["smtp_password"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"provider": "Email!"}, "provider", "chữ thường"),
        ({"key": "1host"}, "key", "bắt đầu bằng chữ"),
        ({"is_secret": True, "value": ""}, "value", "Nhập giá trị bí mật."),
    ],
)
def test_bad_settings_are_refused(demo, session_factory, fields, field, message):
    form = {"provider": "email", "key": "smtp_host", "value": "x", "is_secret": False} | fields
    with pytest.raises(InvalidInput) as raised:
        save(session_factory, demo.actor("quantritinh"), **form)
    assert message in raised.value.field_errors[field]


def test_duplicates_and_ward_administrators_are_refused(demo, session_factory):
    admin = demo.actor("quantritinh")
    form = {"provider": "email", "key": "smtp_host", "value": "a", "is_secret": False}
    save(session_factory, admin, **form)
    with pytest.raises(InvalidInput) as raised:
        save(session_factory, admin, **form)
    assert raised.value.field_errors["key"] == "Thiết lập email/smtp_host đã có; sửa ở dòng của nó."
    with pytest.raises(Forbidden):
        save(session_factory, demo.actor("quantri"), **form)


def test_the_worker_sends_mail_with_the_stored_settings(demo, session_factory, smtp, monkeypatch):
    """The environment points at a dead port; the page's setting names the real server."""
    monkeypatch.setenv("MOTCUA_SMTP_PORT", str(free_port()))
    admin = demo.actor("quantritinh")
    port = smtp.environment["MOTCUA_SMTP_PORT"]
    save(session_factory, admin, provider="email", key="port", value=port, is_secret=False)
    with session_factory() as session, transaction(session):
        session.add(
            OutboxMessage(
                operation="email/send",
                payload={"to": "an@example.vn", "subject": "Thử cấu hình", "body": "Xin chào"},
                idempotency_key="settings-test-1",
            )
        )
    perform_due(session_factory)

    assert smtp.wait_for("an@example.vn")["Subject"] == "Thử cấu hình"
    with session_factory() as session:
        assert session.scalars(select(OutboxMessage.status)).one() == DONE
