"""Where the settings key comes from: the variable, a development file, or a refusal."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet

from engine.encryption.cipher import reveal, seal
from engine.encryption.keys import SettingsKeyError, settings_keys


def test_the_first_listed_key_encrypts_and_every_listed_key_decrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_by_old = seal("mật khẩu SMTP", {"MOTCUA_SETTINGS_KEY": old})
    both = {"MOTCUA_SETTINGS_KEY": f" {new} , {old} "}
    assert reveal(sealed_by_old, environ=both) == "mật khẩu SMTP"
    sealed_by_both = seal("mật khẩu SMTP", both)
    assert Fernet(new).decrypt(sealed_by_both.removeprefix("fernet:").encode()) == (
        "mật khẩu SMTP".encode()
    )


def test_a_development_machine_generates_a_key_once_and_warns(tmp_path, caplog):
    path = tmp_path / "var" / "settings.key"
    env = {"MOTCUA_SETTINGS_KEY_FILE": str(path)}
    with caplog.at_level(logging.WARNING):
        sealed = seal("bí mật", env)
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert "MOTCUA_SETTINGS_KEY chưa đặt" in caplog.text
    # another process (the worker) started from the same folder reads the same key
    assert Fernet(path.read_text().strip()).decrypt(sealed.removeprefix("fernet:").encode())
    assert reveal(sealed, environ=env) == "bí mật"


@pytest.mark.parametrize("production", [{"MOTCUA_ENV": "production"}, {"MOTCUA_HTTPS": "1"}])
def test_production_without_the_key_refuses_with_the_reason(production, tmp_path):
    env = production | {"MOTCUA_SETTINGS_KEY_FILE": str(tmp_path / "settings.key")}
    with pytest.raises(SettingsKeyError, match="Chưa đặt biến môi trường MOTCUA_SETTINGS_KEY"):
        settings_keys(env)
    assert not (tmp_path / "settings.key").exists()


def test_the_web_app_and_the_cli_refuse_to_start_in_production(monkeypatch):
    from click.testing import CliRunner

    from webapp import create_app
    from webapp.cli import main

    monkeypatch.delenv("MOTCUA_SETTINGS_KEY")
    monkeypatch.setenv("MOTCUA_ENV", "production")
    with pytest.raises(SettingsKeyError, match="production"):
        create_app({"TESTING": True})
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "Chưa đặt biến môi trường MOTCUA_SETTINGS_KEY" in result.output
    assert "Traceback" not in result.output


def test_a_malformed_key_is_named_without_being_shown():
    with pytest.raises(SettingsKeyError) as raised:
        settings_keys({"MOTCUA_SETTINGS_KEY": f"{Fernet.generate_key().decode()},khong-phai-khoa"})
    assert "khóa thứ 2 không phải khóa Fernet hợp lệ" in str(raised.value)
    assert "khong-phai-khoa" not in str(raised.value)
