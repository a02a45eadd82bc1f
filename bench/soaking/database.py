"""The soak's own database: a fresh one on the shared server, or on a private PostgreSQL
cluster the run starts itself (initdb + pg_ctl in a temporary folder on a free port) when the
run restarts PostgreSQL, so the shared server on 5432 is never touched."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

from bench.soaking.ports import free_port

SHARED_SERVER = "postgresql://postgres@127.0.0.1:5432"
#: the soak's citizens: one account per client thread, so "my dossiers" is that thread's own
CITIZEN_PASSWORD = "motcua2026"


def create_database(server_url: str, name: str) -> str:
    """CREATE DATABASE `name` on the server (dropping a leftover of the same name first)."""
    with _autocommit(server_url + "/postgres") as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server_url}/{name}"


def drop_database(server_url: str, name: str) -> None:
    with _autocommit(server_url + "/postgres") as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


class _autocommit:
    def __init__(self, url: str):
        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def __enter__(self):
        return self.connection.cursor()

    def __exit__(self, *exc):
        self.connection.close()


def postgres_bin() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin with initdb."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb: install PostgreSQL's server")
    return Path(found[-1]).parent


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


class PrivateCluster:
    """A PostgreSQL cluster of our own, which the soak may stop and start at will.

    initdb refuses to run as root; then the cluster runs as the `postgres` system user.
    """

    def __init__(self):
        # its own temporary folder: the server's user must be able to reach it
        self.directory = Path(tempfile.mkdtemp(prefix="motcua-soak-pg-"))
        self.data = self.directory / "pgdata"
        self.port = free_port()
        self.bin = postgres_bin()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str) -> None:
        # output to a file, not a pipe: the server started by pg_ctl would hold a pipe open
        with (self.directory / "commands.log").open("ab") as out:
            finished = subprocess.run(
                [str(self.bin / args[0]), *args[1:]],
                user=self.user,
                stdout=out,
                stderr=out,
                cwd="/",
            )
        if finished.returncode != 0:
            raise RuntimeError(f"{args[0]} failed; see {self.directory / 'commands.log'}")

    def init(self) -> PrivateCluster:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = self.data / "postgresql.conf"
        with settings.open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\nmax_connections = 100\n"
                "fsync = on\nshared_buffers = 64MB\n"
            )
        self.start()
        return self

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_seconds: float = 2.0) -> None:
        """Stop (immediate: in-flight transactions are cut, as in a crash), wait, start."""
        self.stop("immediate")
        time.sleep(down_seconds)
        self.start()

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def citizen_username(index: int) -> str:
    return f"soak{index + 1}"


def prepare(url: str, clients: int) -> None:
    """`motcua init` with demo data, plus one citizen per client thread who is told by e-mail,
    Zalo and SMS (so every lifecycle reaches the SMTP server and both providers)."""
    from sqlalchemy import select

    from engine.db import make_engine, make_session_factory, transaction
    from engine.demo import load_demo_data
    from engine.notifications.preferences import save_channels
    from engine.schema import upgrade_database
    from engine.timestamps import utcnow
    from engine.users.actor import load_actor
    from engine.users.models import User
    from engine.users.passwords import hash_password

    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session, transaction(session):
        load_demo_data(session)
        password = hash_password(CITIZEN_PASSWORD)
        for index in range(clients):
            name = citizen_username(index)
            if session.scalar(select(User).where(User.username == name)) is not None:
                continue
            user = User(
                username=name,
                full_name=f"Công dân thử tải {index + 1}",
                kind="citizen",
                id_number=f"0740900{index + 1:05d}",
                phone=f"09123{index + 1:05d}",
                email=f"{name}@example.vn",
                password_hash=password,
                email_verified_at=utcnow(),
            )
            session.add(user)
            session.flush()
            save_channels(session, load_actor(session, user.id), email=True, zalo=True, sms=True)
    engine.dispose()
