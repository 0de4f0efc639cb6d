"""Moves the wall clock of every Python process of a test run, when GUANJIA_TIME_TRAVEL_TO
asks (an ISO moment with its offset): `make test-time-travel TO=2027-03-01T10:00:00+08:00`.

Python imports `sitecustomize` at start-up from any folder on PYTHONPATH, so the test
processes and every service or gateway they start travel alike. The first process turns
the destination into an offset from the real clock and hands the offset down, so processes
started later share one moved clock instead of each starting over at the destination.
Monotonic time is untouched (sleeps, timeouts and asyncio's loop keep working)."""

import os
import time
from datetime import datetime

_DESTINATION = "GUANJIA_TIME_TRAVEL_TO"
_OFFSET = "GUANJIA_TIME_TRAVEL_OFFSET_SECONDS"

if os.environ.get(_DESTINATION):
    import time_machine

    if _OFFSET not in os.environ:
        destination = datetime.fromisoformat(os.environ[_DESTINATION])
        if destination.tzinfo is None:
            raise SystemExit(f"{_DESTINATION} must carry its offset, e.g. +08:00")
        os.environ[_OFFSET] = repr(destination.timestamp() - time.time())
    time_machine.travel(time.time() + float(os.environ[_OFFSET]), tick=True).start()
    # time-machine starts its clock ticking at the first reading, not at start(): read it at
    # once, or a process that imports for seconds first lags behind the others (a token
    # minted by one is then "issued in the future" for another).
    time.time()
