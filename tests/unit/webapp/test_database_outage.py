"""A database restart answers 503 with a clear message, and the app recovers by itself."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_down(app, monkeypatch):
    """New connections fail as they do while PostgreSQL restarts; undone by monkeypatch."""
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
        engine.dispose()
        dbapi = engine.dialect.loaded_dbapi

        def refuse(*args, **kwargs):
            raise dbapi.OperationalError("connection refused")

        monkeypatch.setattr(engine.dialect, "connect", refuse)
    yield monkeypatch


def test_json_api_answers_503_in_vietnamese_then_recovers(client, database_down):
    response = client.get("/api/lookup/KHONG-CO")
    assert response.status_code == 503
    assert "không kết nối được cơ sở dữ liệu" in response.get_json()["error"]
    assert response.headers["Retry-After"] == "5"
    database_down.undo()
    assert client.get("/api/lookup/KHONG-CO").status_code == 404


def test_page_answers_503_with_the_error_page(client, database_down):
    response = client.get("/")
    assert response.status_code == 503
    assert "không kết nối được cơ sở dữ liệu" in response.get_data(as_text=True)


def test_api_v1_answers_503_in_its_error_shape_then_recovers(client, database_down):
    # found by bench/soak.py --pg-restart: /api/v1 answered 400 invalid_input, so a client
    # took a database restart for a permanent refusal of its request
    response = client.get("/api/v1/lookup/KHONG-CO")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "service_unavailable"
    assert "không kết nối được cơ sở dữ liệu" in error["message"]["vi"]
    assert "temporarily unreachable" in error["message"]["en"]
    assert response.headers["Retry-After"] == "5"
    database_down.undo()
    assert client.get("/api/v1/lookup/KHONG-CO").status_code == 404


def test_connection_lost_while_loading_the_user_answers_503_and_keeps_the_session(
    app, demo, monkeypatch
):
    # found by bench/soak.py --pg-restart: the restart cut the connection between the session
    # check and loading the user's roles; the user was signed out and the API answered 403
    from sqlalchemy.exc import OperationalError

    import webapp.auth
    from tests.conftest import Browser

    client = app.test_client()
    assert Browser(client).login("congdan").status_code == 302

    def connection_lost(*args, **kwargs):
        raise OperationalError("SELECT role_assignments", {}, Exception("server closed"))

    with monkeypatch.context() as patch:
        patch.setattr(webapp.auth, "load_actor", connection_lost)
        response = client.get("/api/v1/dossiers/")
        assert response.status_code == 503
    assert client.get("/api/v1/dossiers/").status_code == 200
