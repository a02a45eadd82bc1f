"""Fixtures shared by every test: a migrated database, sessions, demo data, the web app.

The database is SQLite in a temporary folder, or the PostgreSQL database named by
MOTCUA_TEST_DATABASE_URL (CI runs the suite both ways). Tests marked `postgres` need the latter.
"""

from __future__ import annotations

import os
import re
import threading
from uuid import uuid4

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from connectors.email.sandbox import MailSandbox
from engine.configuration.models import ConfigurationGeneration
from engine.db import Base, make_engine, make_session_factory, transaction
from engine.models import import_all_models
from engine.schema import upgrade_database
from engine.users.actor import Actor, load_actor

import_all_models()
#: hundreds of accounts are created: hash them with argon2-cffi's cheapest profile
os.environ.setdefault("MOTCUA_ARGON2_PROFILE", "CHEAPEST")
#: connector secrets are sealed with this key (a fixed one: the PostgreSQL test database outlives
#: a run); the key resolution itself is tested in tests/unit/engine/encryption
TEST_SETTINGS_KEY = "bW90Y3VhLXRlc3RzLW9ubHktc2V0dGluZ3Mta2V5ISE="
os.environ.setdefault("MOTCUA_SETTINGS_KEY", TEST_SETTINGS_KEY)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("MOTCUA_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'motcua-test.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _mail_server():
    """Notifications go out by e-mail whenever a test runs the outbox worker: an SMTP sandbox
    keeps them for the whole session. A test that reads mail uses `smtp`, its own server."""
    sandbox = MailSandbox().start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in sandbox.environment.items():
            patch.setenv(name, value)
        yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def signing_authority(tmp_path_factory):
    """The local certificate authority (CRL, OCSP, TSA) over HTTP, with a good and a revoked
    agency certificate; one per session, because making RSA keys takes a while."""
    from connectors.signing.authority import LocalAuthority
    from connectors.signing.sandbox import SigningSandbox
    from tests.signing import AGENCY, Authority

    directory = tmp_path_factory.mktemp("signing")
    sandbox = SigningSandbox(LocalAuthority.open(directory)).start()
    good = sandbox.issue(AGENCY)
    revoked = sandbox.issue(f"{AGENCY} (chứng thư cũ)")
    sandbox.authority.revoke(revoked.serial)
    (directory / "good.p12").write_bytes(good.pkcs12)
    (directory / "revoked.p12").write_bytes(revoked.pkcs12)
    yield Authority(
        sandbox, directory, directory / "good.p12", directory / "revoked.p12", good.serial
    )
    sandbox.stop()


@pytest.fixture
def signing(signing_authority, monkeypatch, tmp_path):
    """The signing connector pointed at the local authority with the good certificate; the
    worker reads the files where the test app (`app`) writes them."""
    for name, value in signing_authority.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MOTCUA_FILES_DIR", str(tmp_path / "files"))
    signing_authority.sandbox.set_down(False)
    return signing_authority


@pytest.fixture
def remote_signing(signing, live_server, monkeypatch):
    """The remote-signing provider over HTTP, its signers' certificates from the local
    authority, and the app reachable for its callbacks."""
    from connectors.remote_signing.sandbox import RemoteSigningSandbox

    sandbox = RemoteSigningSandbox(signing.sandbox.issue).start()
    sandbox.names.update({"lanhdao": "Phạm Thị Dung", "074090001234": "Nguyễn Văn An"})
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", live_server)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def post_office(live_server, monkeypatch):
    """The local post office (VNPost's contract) over HTTP, calling back to the test app."""
    from connectors.vnpost.sandbox import VnpostSandbox

    sandbox = VnpostSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", live_server)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on a free port; the e-mail connector is pointed at it."""
    sandbox = MailSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def session_factory(db_engine):
    yield make_session_factory(db_engine)
    _empty_all_tables(db_engine)


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session


def _empty_all_tables(engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
        # as the migration leaves it: steps cache configuration under this token
        connection.execute(
            ConfigurationGeneration.__table__.insert().values(id=1, token=uuid4().hex)
        )


@pytest.fixture
def is_postgres(db_engine) -> bool:
    return db_engine.dialect.name == "postgresql"


@pytest.fixture
def demo(session_factory):
    """Demo agencies, officers, a citizen and the shipped procedures, committed."""
    from engine.demo import load_demo_data

    with session_factory() as session, transaction(session):
        load_demo_data(session)
    return DemoWorld(session_factory)


class DemoWorld:
    """Looks up demo actors and things by name."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def actor(self, username: str) -> Actor:
        from engine.users.models import User

        with self.session_factory() as session:
            user = session.query(User).filter_by(username=username).one()
            return load_actor(session, user.id)


@pytest.fixture
def app(database_url, session_factory, tmp_path):
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MOTCUA_FILES_DIR": str(tmp_path / "files"),
        }
    )
    yield app
    with app.app_context():
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1:<free port>, for providers' callbacks and the browser; yields
    its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["PUBLIC_BASE_URL"]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that signs in and posts forms with their CSRF token, as a browser would."""

    def __init__(self, client):
        self.client = client

    def token(self, path: str) -> str:
        page = self.client.get(path)
        match = CSRF_FIELD.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username: str, password: str = "motcua2026"):
        token = self.token("/dang-nhap")
        return self.client.post(
            "/dang-nhap", data={"username": username, "password": password, "csrf_token": token}
        )

    def submit(self, path: str, data: dict, *, page: str | None = None, **kwargs):
        """Post `data` as the form on `page` (default: the same path) would."""
        token = self.token(page or path)
        return self.client.post(path, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("MOTCUA_TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set MOTCUA_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
