"""Moves the wall clock of every Python process of a test run. Python imports
`sitecustomize` at start-up from any folder on PYTHONPATH, so the test processes and every
service or gateway they start travel alike. Monotonic time is untouched (sleeps, timeouts
and asyncio's loop keep working). Two ways, which may be combined:

- GUANJIA_TIME_TRAVEL_TO, an ISO moment with its offset, moves the whole run there:
  `make test-time-travel TO=2027-03-01T10:00:00+08:00`. The first process turns the
  destination into an offset from the real clock and hands the offset down, so processes
  started later share one moved clock instead of each starting over at the destination.
- GUANJIA_CLOCK_FILE names a file holding an offset in seconds that a test may rewrite while
  the processes run (the console's stack: tests/console/support/console_stack.py). Each
  process follows it within a tenth of a second and then writes the offset it applied to
  `<file>.<pid>`, so the test knows when every process has moved.
"""

import os
import time
from datetime import datetime

_DESTINATION = "GUANJIA_TIME_TRAVEL_TO"
_OFFSET = "GUANJIA_TIME_TRAVEL_OFFSET_SECONDS"
_CLOCK_FILE = "GUANJIA_CLOCK_FILE"


def _start(offset: float):
    """The wall clock moved `offset` seconds on from now, ticking."""
    import time_machine

    # "Now" read after the import, which can take a second on a busy machine: read before,
    # this process would lag the others by that much (a token minted by one is then
    # "issued in the future" for another).
    traveller = time_machine.travel(time.time() + offset, tick=True).start()
    # time-machine starts its clock ticking at the first reading, not at start(): read it at
    # once, for the same reason.
    time.time()
    return traveller


def _follow_clock_file(path: str) -> None:
    import threading

    def wanted() -> float | None:
        try:
            with open(path) as file:
                return float(file.read())
        except (OSError, ValueError):
            return None  # nothing written yet: the real clock

    def acknowledge(offset: float) -> None:
        with open(f"{path}.{os.getpid()}", "w") as file:
            file.write(repr(offset))

    applied = wanted() or 0.0
    traveller = _start(applied)
    acknowledge(applied)

    def follow() -> None:
        nonlocal applied
        while True:
            time.sleep(0.1)
            offset = wanted()
            if offset is not None and offset != applied:
                traveller.shift(offset - applied)
                applied = offset
                acknowledge(applied)

    threading.Thread(target=follow, name="test-clock", daemon=True).start()


if os.environ.get(_DESTINATION):
    if _OFFSET not in os.environ:
        destination = datetime.fromisoformat(os.environ[_DESTINATION])
        if destination.tzinfo is None:
            raise SystemExit(f"{_DESTINATION} must carry its offset, e.g. +08:00")
        os.environ[_OFFSET] = repr(destination.timestamp() - time.time())
    _start(float(os.environ[_OFFSET]))

if os.environ.get(_CLOCK_FILE):
    _follow_clock_file(os.environ[_CLOCK_FILE])
