"""The injectable clock: rules ask `now()`, tests freeze it, nobody calls datetime.now()."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("guanjia_clock", default=None)


def now() -> datetime:
    """The current time, timezone-aware in UTC, unless a test has frozen it."""
    override = _clock.get()
    return override() if override is not None else datetime.now(UTC)


@contextlib.contextmanager
def read_from(source: Callable[[], datetime]) -> Iterator[None]:
    """Make `now()` answer `source()` inside the block, apps and tasks started there
    included (for a test clock the test moves by hand)."""
    token = _clock.set(source)
    try:
        yield
    finally:
        _clock.reset(token)


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make `now()` answer `moment` inside the block (for rule tests with fixed times)."""
    if moment.tzinfo is None:
        raise ValueError("a frozen time must carry its offset")
    token = _clock.set(lambda: moment)
    try:
        yield
    finally:
        _clock.reset(token)


@contextlib.contextmanager
def running_from(moment: datetime) -> Iterator[None]:
    """Make `now()` start at `moment` and run on as real time passes, so what is done in
    order inside the block keeps its order (for tests set on a given day)."""
    if moment.tzinfo is None:
        raise ValueError("a starting time must carry its offset")
    started = time.monotonic()
    token = _clock.set(lambda: moment + timedelta(seconds=time.monotonic() - started))
    try:
        yield
    finally:
        _clock.reset(token)
