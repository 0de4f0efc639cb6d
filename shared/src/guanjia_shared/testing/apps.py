"""Running an app in-process for tests, and waiting for what events make happen."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import httpx
from fastapi import FastAPI

ResultT = TypeVar("ResultT")


@contextlib.asynccontextmanager
async def running_app(
    app: FastAPI, *, raise_app_exceptions: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """Start `app` (its lifespan: migrations, relay, consumers) and answer a client to it.
    With `raise_app_exceptions`, an error the app lets out reaches the caller even after the
    answer has started (a real server would drop the connection there)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def eventually(
    check: Callable[[], Awaitable[ResultT]], *, timeout: float = 15.0, interval: float = 0.05
) -> ResultT:
    """Call `check` until it stops raising AssertionError; answers its last result."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(interval)
