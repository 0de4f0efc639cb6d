"""The HTTP client notify-svc calls out with (the SMS provider, 企业微信, webhook endpoints):
one aiohttp session per round of a sender job, its connections kept between the round's
requests. aiohttp, not httpx as elsewhere: its pool and parser cost a sixth of httpx's CPU
per request once dozens are in flight (bench/notify_fanout.py, where a burst of messages
goes out at once). Redirects are never followed: an endpoint answers for itself.

A proxy is taken from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as a government
network's way out may need, decided here once per host and round rather than by aiohttp's
`trust_env`: that reads the environment and ~/.netrc in a worker thread on every request,
which was a third of notify's CPU in a burst of SMS (docs/benchmarks.md)."""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import urlsplit

import aiohttp

# What a request that got no answer raises: no connection, a broken one, or no answer in time.
UNANSWERED = (aiohttp.ClientError, TimeoutError)
Response = AbstractAsyncContextManager[aiohttp.ClientResponse]
# Requests in flight at once to one host.
CONNECTIONS_PER_HOST = 20


class Outbound:
    """A round's client: aiohttp's `get` and `post`, through the environment's proxy for the
    URL's host (if any), never following a redirect."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._proxies = urllib.request.getproxies()
        self._proxy_by_host: dict[tuple[str, str], str | None] = {}

    def proxy_for(self, url: str) -> str | None:
        parsed = urlsplit(url)
        host = parsed.hostname or ""
        key = (parsed.scheme, host)
        if key not in self._proxy_by_host:
            bypassed = not host or urllib.request.proxy_bypass(host)
            self._proxy_by_host[key] = None if bypassed else self._proxies.get(parsed.scheme)
        return self._proxy_by_host[key]

    def get(self, url: str, **options: Any) -> Response:
        return self._session.get(url, proxy=self.proxy_for(url), allow_redirects=False, **options)

    def post(self, url: str, **options: Any) -> Response:
        return self._session.post(url, proxy=self.proxy_for(url), allow_redirects=False, **options)


@contextlib.asynccontextmanager
async def outbound_session(timeout_seconds: float) -> AsyncIterator[Outbound]:
    """`timeout_seconds`: the most one request may take, from connecting to its last byte."""
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        connector=aiohttp.TCPConnector(limit_per_host=CONNECTIONS_PER_HOST),
    ) as session:
        yield Outbound(session)
