"""Where the adapter's session token lives between calls: the `SessionStore` protocol and a
memory store.

The adapter answers a login with a session token that every later call carries. Logging in for
every call would double the traffic and trip the adapter's login limits, so the token is kept;
the engine's store (engine/connector_tokens/) keeps it in the database, so every worker shares
one session; the memory store serves tests and one-off scripts.
"""

from __future__ import annotations

import threading
from typing import Protocol


class SessionStore(Protocol):
    def get(self) -> str | None:
        """The session token in use, or None before the first login."""

    def save(self, token: str) -> None:
        """Keep the token a login just answered."""

    def forget(self, token: str) -> None:
        """The adapter refused `token`: drop it, unless another caller already replaced it."""


class MemorySessionStore:
    """A process-local store: tests, the sandbox, a one-off script."""

    def __init__(self, token: str | None = None):
        self._token = token
        self._lock = threading.Lock()

    def get(self) -> str | None:
        return self._token

    def save(self, token: str) -> None:
        with self._lock:
            self._token = token

    def forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None
