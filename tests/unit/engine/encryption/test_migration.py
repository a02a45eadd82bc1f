"""Migration secrets_1 seals secrets stored in clear before it, and its downgrade opens them."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from engine.encryption.cipher import reveal
from engine.schema import upgrade_database


def test_plaintext_secrets_and_tokens_are_sealed_by_the_migration(tmp_path):
    from alembic import command

    from engine.schema import alembic_config

    url = f"sqlite:///{tmp_path / 'before.db'}"
    upgrade_database(url, "postal_1")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO connector_settings (provider, key, value, is_secret, updated_at) "
                "VALUES ('email', 'password', 'mk-cu', 1, '2026-12-01'), "
                "('email', 'host', 'mail.example.vn', 0, '2026-12-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO connector_tokens (provider, access_token, refresh_token, expires_at,"
                " updated_at) VALUES ('zalo', 'AT-cu', 'RT-cu', '2026-12-01', '2026-12-01')"
            )
        )
    upgrade_database(url)
    with engine.connect() as connection:
        secret, host = connection.execute(
            text("SELECT value FROM connector_settings ORDER BY key DESC")
        ).scalars()
        access, refresh = connection.execute(
            text("SELECT access_token, refresh_token FROM connector_tokens")
        ).one()
    assert host == "mail.example.vn"  # a plain setting stays as it is
    assert "mk-cu" not in secret and reveal(secret) == "mk-cu"
    assert (reveal(access), reveal(refresh)) == ("AT-cu", "RT-cu")
    assert "AT-cu" not in access

    command.downgrade(alembic_config(url), "postal_1")
    with engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT value FROM connector_settings WHERE key = 'password'")
            ).scalar_one()
            == "mk-cu"
        )
    engine.dispose()


def test_init_in_production_without_the_key_stops_with_the_reason(tmp_path, monkeypatch):
    """A secret stored in clear before secrets_1 cannot be sealed without the key."""
    from click.testing import CliRunner

    from webapp.cli import main

    url = f"sqlite:///{tmp_path / 'prod.db'}"
    upgrade_database(url, "postal_1")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO connector_settings (provider, key, value, is_secret, updated_at) "
                "VALUES ('email', 'password', 'mk-cu', 1, '2026-12-01')"
            )
        )
    engine.dispose()
    monkeypatch.delenv("MOTCUA_SETTINGS_KEY")
    monkeypatch.setenv("MOTCUA_ENV", "production")
    monkeypatch.setenv("MOTCUA_DATABASE_URL", url)
    result = CliRunner().invoke(main, ["init", "--no-demo"])
    assert result.exit_code == 1
    assert "Chưa đặt biến môi trường MOTCUA_SETTINGS_KEY" in result.output
    assert "Traceback" not in result.output
