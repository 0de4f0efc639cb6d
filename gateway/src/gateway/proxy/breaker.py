"""A circuit breaker per upstream: after repeated failures the gateway stops waiting on a
service that is down and answers 503 at once, then lets one probe through to find out
whether it is back."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class CircuitOpenError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"circuit open, retry after {retry_after}s")
        self.retry_after = retry_after


class CircuitBreaker:
    """Closed: requests pass, and `failure_threshold` failures in a row open it. Open:
    requests are refused until `cooldown` seconds have passed; then one probe is let
    through (half-open) whose outcome closes it again or reopens it."""

    def __init__(
        self,
        *,
        failure_threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self.clock = clock
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self.probe_in_flight = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def admit(self) -> bool:
        """Lets a request through, or raises CircuitOpenError. Answers whether the request is
        the probe, which the caller must end with `record_*` or `abandon_probe`."""
        if self.opened_at is None:
            return False
        remaining = self.opened_at + self.cooldown - self.clock()
        if remaining > 0 or self.probe_in_flight:
            raise CircuitOpenError(retry_after=max(1, math.ceil(remaining)))
        self.probe_in_flight = True
        return True

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self.opened_at = None
        self.probe_in_flight = False

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        self.probe_in_flight = False
        if self.opened_at is not None or self.consecutive_failures >= self.failure_threshold:
            self.opened_at = self.clock()

    def abandon_probe(self) -> None:
        """The probe ended without telling anything (its caller went away): allow another."""
        self.probe_in_flight = False
