"""Stopping background work: give it time to finish what it holds, then cancel it."""

from __future__ import annotations

import asyncio

from guanjia_shared.logging import get_logger

log = get_logger("guanjia.tasks")


async def finish_or_cancel(task: asyncio.Task[None] | None, *, grace_seconds: float = 10) -> None:
    """Wait up to `grace_seconds` for `task` to end on its own (or to finish being
    cancelled), then cancel it; never raises what the task raised."""
    if task is None:
        return
    done, _ = await asyncio.wait({task}, timeout=grace_seconds)
    if not done:
        task.cancel()
        await asyncio.wait({task})
    if not task.cancelled() and task.exception() is not None:
        log.error("background_task_failed", task=task.get_name(), error=repr(task.exception()))
