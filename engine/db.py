"""Database foundations shared by the web app, the worker and the CLI.

The web app hands Flask-SQLAlchemy this `Base`, so models live here without importing Flask.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from engine.prepared_statements import prepare_statements

DEFAULT_DATABASE_URL = "sqlite:///motcua.db"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    """The one environment variable that points motcua at its database."""
    return driver_url(os.environ.get("MOTCUA_DATABASE_URL", DEFAULT_DATABASE_URL))


def driver_url(url: str) -> str:
    """The URL as motcua opens it: psycopg2 for PostgreSQL, absolute paths for SQLite.

    A relative SQLite path is made absolute against the working directory, so the CLI, the
    worker and the web app (Flask-SQLAlchemy would otherwise resolve it against the app's
    instance folder) all open the same file.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url.removeprefix("sqlite:///")
        if path and not path.startswith(":memory:"):
            return "sqlite:///" + os.path.abspath(path)
    return _postgres_driver(url)


def _postgres_driver(url: str) -> str:
    """Plain `postgresql://` means psycopg2, which we ship (SQLAlchemy 2.1 would pick psycopg 3)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = driver_url(url or database_url())
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    # a restarted PostgreSQL leaves dead pooled connections: test each before use
    kwargs.setdefault("pool_pre_ping", True)
    return configure_engine(create_engine(url, **kwargs))


def configure_engine(engine: Engine) -> Engine:
    """Per-dialect settings every engine needs, also the one Flask-SQLAlchemy creates."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    prepare_statements(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a committed step survives the process dying; only an OS crash can lose
    # the last commits. The embedded default trades that for a 3x cheaper commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # SQLite has no row locks: taking the write lock at BEGIN serialises steps the way
    # SELECT ... FOR UPDATE does on PostgreSQL, instead of failing at the first write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception.

    Service functions only flush; this is the one place that commits (Indico's RH.process).
    """
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
