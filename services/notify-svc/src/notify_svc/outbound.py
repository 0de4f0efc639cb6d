"""The HTTP client notify-svc calls out with (the SMS provider, 企业微信, webhook endpoints):
one aiohttp session per round of a sender job, its connections kept between the round's
requests. aiohttp, not httpx as elsewhere: its pool and parser cost a sixth of httpx's CPU
per request once dozens are in flight (bench/notify_fanout.py, where a burst of messages
goes out at once). Redirects are never followed: an endpoint answers for itself."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp

# What a request that got no answer raises: no connection, a broken one, or no answer in time.
UNANSWERED = (aiohttp.ClientError, TimeoutError)
# Requests in flight at once to one host.
CONNECTIONS_PER_HOST = 20


@contextlib.asynccontextmanager
async def outbound_session(timeout_seconds: float) -> AsyncIterator[aiohttp.ClientSession]:
    """`timeout_seconds`: the most one request may take, from connecting to its last byte.
    Proxies are taken from the environment (HTTP_PROXY, NO_PROXY), as a government network's
    way out may need."""
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        connector=aiohttp.TCPConnector(limit_per_host=CONNECTIONS_PER_HOST),
        trust_env=True,
    ) as session:
        yield session
