"""Faults during the soak: SIGKILLs of web and worker processes, a provider outage, a
PostgreSQL restart; and the supervisor that restarts whatever is down."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable

from bench.soaking.processes import Supervised, System


class Chaos(threading.Thread):
    """Every `interval` seconds (give or take half), SIGKILL one of: the whole web node
    (gunicorn and its workers), one gunicorn worker (its master forks another), one motcua
    worker; the killed node is started again after a moment. Also restarts anything found
    dead that nobody killed, and counts that as an unexpected death."""

    def __init__(self, system: System, interval: float, rng: random.Random):
        super().__init__(name="chaos", daemon=True)
        self.system, self.interval, self.rng = system, interval, rng
        self.kills: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.stopping = threading.Event()
        #: receivers stopped on purpose (an outage): not restarted behind the outage's back
        self.held: set[str] = set()
        self.lock = threading.Lock()

    def run(self) -> None:
        next_kill = time.monotonic() + self._pause() if self.interval > 0 else float("inf")
        while not self.stopping.wait(0.2):
            self.revive()
            if time.monotonic() >= next_kill:
                self.kill_one()
                next_kill = time.monotonic() + self._pause()

    def _pause(self) -> float:
        return self.interval * self.rng.uniform(0.5, 1.5)

    def kill_one(self) -> None:
        with self.lock:
            target = self.rng.choice(["web", "web-worker", "worker"])
            if target == "web":
                self.system.web.kill()
                time.sleep(self.rng.uniform(0, 1))
                self.system.web.start()
            elif target == "web-worker":
                children = self.system.web.children()
                if not children:
                    return
                try:
                    os.kill(self.rng.choice(children), signal.SIGKILL)
                except ProcessLookupError:
                    return
            else:
                worker = self.rng.choice(self.system.workers)
                worker.kill()
                time.sleep(self.rng.uniform(0, 1))
                worker.start()
            self.kills[target] += 1

    def revive(self) -> None:
        """Start every process that is down and not held down by an outage."""
        with self.lock:
            for process in self.system.all():
                if process.alive() or process.name in self.held:
                    continue
                self.unexpected.append(f"{process.name} exited with {process.process.returncode}")
                process.start()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)
        self.revive_all()

    def revive_all(self) -> None:
        self.held.clear()
        for process in self.system.all():
            if not process.alive():
                process.start()


def stop_for(chaos: Chaos, receivers: list[Supervised], seconds: float) -> None:
    """A provider outage: its receiver is stopped (SIGKILL) for `seconds`, then started again."""
    with chaos.lock:
        for receiver in receivers:
            chaos.held.add(receiver.name)
            receiver.kill()
    time.sleep(seconds)
    with chaos.lock:
        for receiver in receivers:
            chaos.held.discard(receiver.name)
            receiver.start()


def at_progress(
    progress: Callable[[], float],
    share: float,
    action: Callable[[], None],
    log: list[str],
    what: str,
) -> threading.Thread:
    """Run `action` in a thread once `progress()` reaches `share` of the lifecycles."""

    def wait_then_act() -> None:
        while progress() < share:
            time.sleep(0.2)
        started = time.monotonic()
        action()
        log.append(f"{what} ({time.monotonic() - started:.1f} s)")

    thread = threading.Thread(target=wait_then_act, name=what, daemon=True)
    thread.start()
    return thread
