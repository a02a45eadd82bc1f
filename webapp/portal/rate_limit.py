"""A token bucket per client IP for public endpoints (the lookup by code).

In memory, per process: enough to stop one client from walking dossier codes or guessing the
4 phone digits, with no table to sweep. Several web processes each keep their own buckets, so
the effective limit is the per-process one times the number of processes; a shared limit would
move this into a table.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class TokenBuckets:
    #: tokens a client starts with (its burst)
    capacity: int
    #: seconds for one token to come back
    refill_seconds: float
    clock: callable = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        """0 when allowed (a token is taken); otherwise the seconds until the next token."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - last) / self.refill_seconds)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            return (1 - tokens) * self.refill_seconds
