"""A clock a test moves by hand, for the time seams of the code under test: `now()` (through
`guanjia_shared.clock.read_from`) and the `clock=` seconds of breakers, rate limits, key
refreshes and remembered tokens."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from guanjia_shared.clock import read_from


class HandClock:
    """Stands still until `advance` moves it; starts at the wall clock's present, so that
    what it times agrees with tokens checked against the wall clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment

    def seconds(self) -> float:
        """The moment as seconds since the epoch: a `time.time`/`time.monotonic` stand-in."""
        return self.moment.timestamp()

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)

    @contextlib.contextmanager
    def as_now(self) -> Iterator[HandClock]:
        """`now()` answers this clock inside the block."""
        with read_from(self.now):
            yield self
