"""Where the Zalo OA tokens live between calls: the `TokenStore` protocol and a memory store.

Zalo's refresh token is single-use: every refresh answers a new one and the old one stops
working. Losing the new one locks the connector out until an administrator authorises the OA
again, so the client never keeps tokens itself; it hands them to a store. The engine's store
(engine/connector_tokens/) keeps them in the database, the memory store serves tests and the
sandbox command line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    #: when the access token stops working (aware UTC)
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return not self.access_token or self.expires_at <= (now or datetime.now(UTC))


#: spends a refresh token at the provider and answers the new pair
Refresh = Callable[[str], Tokens]


class TokenStore(Protocol):
    def get(self) -> Tokens | None:
        """The stored tokens, or None before the first refresh."""

    def save(self, tokens: Tokens) -> None:
        """Keep tokens obtained elsewhere (an administrator's first authorisation)."""

    def rotate(self, seen: Tokens | None, initial_refresh_token: str, refresh: Refresh) -> Tokens:
        """Refresh under a lock unless another caller already replaced `seen`.

        Inside the lock the store reads the tokens again: when they differ from `seen`, someone
        else spent the refresh token meanwhile and the store answers theirs without refreshing
        (spending it twice would fail, the second time for good). Otherwise it calls `refresh`
        with the stored refresh token (or `initial_refresh_token` when none is stored) and keeps
        the answer before releasing the lock.
        """


class MemoryTokenStore:
    """A process-local store: tests, the sandbox, a one-off script."""

    def __init__(self, tokens: Tokens | None = None):
        self._tokens = tokens
        self._lock = threading.Lock()

    def get(self) -> Tokens | None:
        return self._tokens

    def save(self, tokens: Tokens) -> None:
        with self._lock:
            self._tokens = tokens

    def rotate(self, seen: Tokens | None, initial_refresh_token: str, refresh: Refresh) -> Tokens:
        with self._lock:
            current = self._tokens
            if current is not None and current != seen:
                return current
            self._tokens = refresh(current.refresh_token if current else initial_refresh_token)
            return self._tokens
