"""The wait before trying a send again, for webhooks and people's messages alike."""

from __future__ import annotations

import datetime as dt


def doubling_delay(first_seconds: float, max_seconds: float, attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: the first wait, doubled each time, capped."""
    seconds = first_seconds * 2 ** min(attempts - 1, 30)
    return dt.timedelta(seconds=min(seconds, max_seconds))
