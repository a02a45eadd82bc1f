"""A production deployment refuses a session key anyone could know; development keeps its own."""

from __future__ import annotations

import pytest

from engine.deployment import DEVELOPMENT_SECRET_KEY, DeploymentRefused, session_secret

PRODUCTION = {"MOTCUA_ENV": "production"}


def test_development_signs_sessions_with_its_public_default_or_the_one_set():
    assert session_secret({}) == DEVELOPMENT_SECRET_KEY
    assert session_secret({"MOTCUA_SECRET_KEY": "khóa-riêng"}) == "khóa-riêng"


@pytest.mark.parametrize(
    "secret", ["", DEVELOPMENT_SECRET_KEY, "ngắn-quá-chỉ-31-ký-tự-xxxxxxxxx"[:31]]
)
def test_production_refuses_a_missing_default_or_short_session_key(secret):
    with pytest.raises(DeploymentRefused, match="không khởi động ở chế độ production"):
        session_secret(PRODUCTION | {"MOTCUA_SECRET_KEY": secret})


def test_production_takes_a_long_session_key_of_its_own():
    secret = "k" * 32
    assert session_secret({"MOTCUA_HTTPS": "1", "MOTCUA_SECRET_KEY": secret}) == secret


def test_the_web_app_and_the_cli_refuse_to_start_on_the_development_session_key(monkeypatch):
    from click.testing import CliRunner

    from webapp import create_app
    from webapp.cli import main

    monkeypatch.setenv("MOTCUA_ENV", "production")
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    with pytest.raises(DeploymentRefused, match="MOTCUA_SECRET_KEY"):
        create_app({"TESTING": True})
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "khóa ký phiên đăng nhập" in result.output
    assert "Traceback" not in result.output
