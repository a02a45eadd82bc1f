"""Secret connector settings and tokens are sealed in the database, open with the keys of
MOTCUA_SETTINGS_KEY, survive a key rotation, and a wrong key is a clear error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import text

from connectors.zalo.tokens import Tokens
from engine.connector_settings.settings import list_settings, provider_settings, save_setting
from engine.connector_tokens.store import DatabaseTokenStore
from engine.db import transaction
from engine.encryption.cipher import SecretUnreadable
from engine.timestamps import utcnow
from tests.conftest import TEST_SETTINGS_KEY
from webapp.cli import main

PASSWORD = "mật-khẩu-SMTP-thật-2026"


def store_password(session_factory, demo):
    with session_factory() as session, transaction(session):
        save_setting(
            session,
            demo.actor("quantritinh"),
            provider="email",
            key="password",
            value=PASSWORD,
            is_secret=True,
        )


def raw_values(session_factory) -> list[str]:
    with session_factory() as session:
        settings = session.execute(text("SELECT value FROM connector_settings")).scalars().all()
        tokens = session.execute(
            text("SELECT access_token || ' ' || refresh_token FROM connector_tokens")
        ).scalars()
        return [*settings, *tokens]


def test_the_row_holds_no_plaintext_and_the_connector_reads_the_secret(demo, session_factory):
    store_password(session_factory, demo)
    [stored] = raw_values(session_factory)
    assert PASSWORD not in stored and stored.startswith("fernet:")
    assert Fernet(TEST_SETTINGS_KEY).decrypt(stored.removeprefix("fernet:").encode()).decode() == (
        PASSWORD
    )
    with session_factory() as session:
        assert provider_settings(session, "email") == {"password": PASSWORD}


def test_tokens_are_sealed_too(session_factory):
    store = DatabaseTokenStore(session_factory, "zalo")
    store.save(Tokens("ACCESS-abc", "REFRESH-xyz", utcnow() + timedelta(hours=1)))
    [stored] = raw_values(session_factory)
    assert "ACCESS-abc" not in stored and "REFRESH-xyz" not in stored
    got = store.get()
    assert (got.access_token, got.refresh_token) == ("ACCESS-abc", "REFRESH-xyz")


def test_rotate_key_reseals_everything_with_the_new_key(
    demo, session_factory, database_url, monkeypatch
):
    store_password(session_factory, demo)
    DatabaseTokenStore(session_factory, "zalo").save(
        Tokens("ACCESS-abc", "REFRESH-xyz", utcnow() + timedelta(hours=1))
    )
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("MOTCUA_SETTINGS_KEY", f"{new},{TEST_SETTINGS_KEY}")
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["settings", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "1 thiết lập bí mật, 1 cặp mã truy cập" in result.output

    monkeypatch.setenv("MOTCUA_SETTINGS_KEY", new)  # the old key dropped
    with session_factory() as session:
        assert provider_settings(session, "email") == {"password": PASSWORD}
    got = DatabaseTokenStore(session_factory, "zalo").get()
    assert (got.access_token, got.refresh_token) == ("ACCESS-abc", "REFRESH-xyz")
    for stored in raw_values(session_factory):
        for part in stored.split(" "):
            Fernet(new).decrypt(part.removeprefix("fernet:").encode())


def test_a_wrong_key_is_a_clear_error(demo, session_factory, database_url, monkeypatch):
    store_password(session_factory, demo)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    monkeypatch.setenv("MOTCUA_SETTINGS_KEY", Fernet.generate_key().decode())
    with session_factory() as session, pytest.raises(SecretUnreadable) as raised:
        provider_settings(session, "email")
    assert "email/password" in raised.value.message
    assert "MOTCUA_SETTINGS_KEY" in raised.value.message
    with session_factory() as session:
        [view] = list_settings(session, demo.actor("quantritinh"))
    assert (view.is_set, view.is_readable) == (True, False)

    result = CliRunner().invoke(main, ["settings", "rotate-key"])
    assert result.exit_code == 1
    assert "Không giải mã được thiết lập kết nối bí mật (email/password)" in result.output
    assert "Traceback" not in result.output
