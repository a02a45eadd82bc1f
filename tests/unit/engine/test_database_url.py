"""Every part of motcua opens the same database for the same URL."""

from __future__ import annotations

import os

from engine.db import driver_url


def test_a_relative_sqlite_path_is_made_absolute_against_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert driver_url("sqlite:///motcua.db") == f"sqlite:///{tmp_path / 'motcua.db'}"
    assert driver_url("sqlite:////srv/motcua.db") == "sqlite:////srv/motcua.db"
    assert driver_url("sqlite:///:memory:") == "sqlite:///:memory:"


def test_plain_postgresql_urls_use_psycopg2():
    assert (
        driver_url("postgresql://postgres@127.0.0.1/x")
        == "postgresql+psycopg2://postgres@127.0.0.1/x"
    )


def test_the_web_app_opens_the_file_the_cli_migrates(tmp_path, monkeypatch):
    from webapp import create_app
    from webapp.extensions import db

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", "sqlite:///motcua.db")
    app = create_app({"TESTING": True})
    with app.app_context():
        assert db.engine.url.database == os.path.join(str(tmp_path), "motcua.db")
        db.engine.dispose()
