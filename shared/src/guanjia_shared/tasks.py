"""Stopping background work: give it time to finish what it holds, then cancel it."""

from __future__ import annotations

import asyncio
import contextlib


async def finish_or_cancel(task: asyncio.Task[None] | None, *, grace_seconds: float = 10) -> None:
    """Wait up to `grace_seconds` for `task` to end on its own, then cancel it."""
    if task is None:
        return
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=grace_seconds)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
