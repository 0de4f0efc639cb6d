"""Token buckets, one per caller, kept in the memory of each gateway replica."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBuckets:
    """Each key gets `rate` requests a second on average and up to `burst` at once."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)

    def take(self, key: str) -> float:
        """Spends one token of `key`'s bucket: 0 when there was one, else the seconds until
        there will be."""
        moment = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._make_room(moment)
            tokens = self.burst
        else:
            tokens = min(self.burst, bucket[0] + (moment - bucket[1]) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, moment)
            return 0.0
        self._buckets[key] = (tokens, moment)
        return (1 - tokens) / self.rate

    def _make_room(self, moment: float) -> None:
        """Keeps memory bounded: full buckets carry no state worth keeping, and when even
        that is not enough every caller starts afresh."""
        if len(self._buckets) < self.max_keys:
            return
        refill = self.burst / self.rate
        self._buckets = {
            key: bucket for key, bucket in self._buckets.items() if moment - bucket[1] < refill
        }
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()
