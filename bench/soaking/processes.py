"""The system under soak as subprocesses: gunicorn web, motcua workers, the SMTP server and the
provider receivers, each restartable, each killed with SIGKILL when the chaos says so."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.soaking.ports import free_port, wait_listening

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Supervised:
    """One command, started in its own process group so a kill takes its children too."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, port: int | None):
        self.name, self.command, self.env, self.log, self.port = name, command, env, log, port
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.lock = threading.Lock()
        #: set when the run ends: nothing (the chaos thread included) starts it again
        self.retired = False

    def start(self, wait: bool = True) -> None:
        with self.lock:
            if self.retired:
                return
            with self.log.open("ab") as out:
                self.process = subprocess.Popen(
                    self.command,
                    env=self.env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.starts += 1
        if wait and self.port is not None and not wait_listening(self.port, 60):
            raise RuntimeError(f"{self.name} did not listen on {self.port}; see {self.log}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (a node dying), and reap it."""
        with self.lock:
            if self.process is None:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def children(self) -> list[int]:
        """The pids whose parent is this process (gunicorn's workers)."""
        if not self.alive():
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(entry.name))
        return found

    def stop(self) -> None:
        """End it politely (SIGTERM), then for sure."""
        if not self.alive():
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()


class System:
    """Every process of one soak run, started against `database_url`."""

    def __init__(
        self,
        run_dir: Path,
        database_url: str,
        *,
        workers: int,
        worker_interval: float,
        web_workers: int = 2,
    ):
        self.run_dir = run_dir
        self.maildir = run_dir / "mail"
        self.journals = {kind: run_dir / f"{kind}.jsonl" for kind in ("sms", "zalo", "portal")}
        self.web_port = free_port()
        self.web_workers = web_workers
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        smtp_port = free_port()
        base_env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "MOTCUA_DATABASE_URL": database_url,
            # one key for every web process: a session cookie outlives the process that set it
            "MOTCUA_SECRET_KEY": "soak-secret-key",
            "MOTCUA_PUBLIC_BASE_URL": self.base_url,
        }
        self.receivers = {
            "smtp": Supervised(
                "smtp",
                [
                    sys.executable,
                    "-m",
                    "connectors.email.sandbox",
                    "--port",
                    str(smtp_port),
                    "--maildir",
                    str(self.maildir),
                ],
                base_env,
                run_dir / "smtp.log",
                smtp_port,
            )
        }
        for kind, journal in self.journals.items():
            port = free_port()
            self.receivers[kind] = Supervised(
                kind,
                [
                    sys.executable,
                    "-m",
                    "bench.soaking.receivers",
                    kind,
                    "--port",
                    str(port),
                    "--journal",
                    str(journal),
                ],
                base_env,
                run_dir / f"{kind}.log",
                port,
            )
        self.base_env = base_env
        self.smtp_port = smtp_port
        self.worker_interval = worker_interval
        self.worker_count = workers
        self.web: Supervised | None = None
        self.workers: list[Supervised] = []

    def start(self) -> None:
        for receiver in self.receivers.values():
            receiver.start()
        env = dict(self.base_env)
        env.update({"MOTCUA_SMTP_HOST": "127.0.0.1", "MOTCUA_SMTP_PORT": str(self.smtp_port)})
        for journal in self.journals.values():
            env.update(_wait_environment(journal))
        env["MOTCUA_NATIONAL_PORTAL_SYNC"] = "1"
        self.app_env = env
        self.web = Supervised(
            "web",
            [
                str(BIN / "gunicorn"),
                "-w",
                str(self.web_workers),
                "-b",
                f"127.0.0.1:{self.web_port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "webapp.wsgi:app",
            ],
            env,
            self.run_dir / "web.log",
            self.web_port,
        )
        self.web.start()
        for index in range(self.worker_count):
            worker = Supervised(
                f"worker{index + 1}",
                [str(BIN / "motcua"), "worker", "--interval", str(self.worker_interval)],
                env,
                self.run_dir / f"worker{index + 1}.log",
                None,
            )
            worker.start()
            self.workers.append(worker)

    def all(self) -> list[Supervised]:
        return [*self.receivers.values(), *([self.web] if self.web else []), *self.workers]

    def stop(self) -> None:
        for process in self.all():
            process.retired = True
        for process in reversed(self.all()):
            process.stop()


def _wait_environment(journal: Path, timeout: float = 30.0) -> dict:
    path = journal.with_name(journal.name + ".env.json")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"no settings from {journal}'s receiver")
