"""The services behind the gateway: one pooled aiohttp session each, and a breaker each.

Event streams (server-sent events, such as the console inbox's) go through a second pool
per service: each holds its connection for minutes, and would otherwise take the places
of the ordinary requests in the first."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from gateway.config import Settings
from gateway.proxy.breaker import CircuitBreaker

# Side requests (readiness, schemas) must not hold up the answer that needs them for long.
SIDE_REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=3)


@dataclass(frozen=True)
class ProxiedRoute:
    """What the shared request middleware labels metrics with, as it would a matched route."""

    path: str


@dataclass
class Upstream:
    name: str
    base_url: str
    breaker: CircuitBreaker
    route: ProxiedRoute
    session: aiohttp.ClientSession | None = field(default=None, repr=False)
    stream_session: aiohttp.ClientSession | None = field(default=None, repr=False)

    @property
    def client(self) -> aiohttp.ClientSession:
        if self.session is None:
            raise RuntimeError(f"the session to {self.name} is used before the gateway started")
        return self.session

    @property
    def stream_client(self) -> aiohttp.ClientSession:
        if self.stream_session is None:
            raise RuntimeError(f"the session to {self.name} is used before the gateway started")
        return self.stream_session

    async def get_json(self, path: str) -> tuple[int, Any]:
        """GET `path` from the service: its status, and its body when that is JSON."""
        async with self.client.get(
            self.base_url + path, timeout=SIDE_REQUEST_TIMEOUT, allow_redirects=False
        ) as response:
            body = await response.read()
            try:
                return response.status, orjson.loads(body)
            except orjson.JSONDecodeError:
                return response.status, None


class Upstreams:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.by_name = {
            name: Upstream(
                name=name,
                base_url=url.rstrip("/"),
                breaker=CircuitBreaker(
                    failure_threshold=settings.breaker_failure_threshold,
                    cooldown=settings.breaker_cooldown_seconds,
                ),
                route=ProxiedRoute(f"proxy:{name}"),
            )
            for name, url in settings.upstream_urls.items()
        }

    def __getitem__(self, name: str) -> Upstream:
        return self.by_name[name]

    async def start(self) -> None:
        settings = self.settings
        for upstream in self.by_name.values():
            upstream.session = self._session(
                settings.upstream_pool_size,
                settings.upstream_read_timeout_seconds,
                keepalive_seconds=settings.upstream_keepalive_seconds,
            )
            upstream.stream_session = self._session(
                settings.upstream_stream_pool_size, settings.upstream_stream_read_timeout_seconds
            )

    def _session(
        self, pool_size: int, read_timeout: float, keepalive_seconds: float | None = None
    ) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=pool_size,
                keepalive_timeout=keepalive_seconds,
                force_close=keepalive_seconds is None,
            ),
            timeout=aiohttp.ClientTimeout(
                total=None,
                sock_connect=self.settings.upstream_connect_timeout_seconds,
                sock_read=read_timeout,
            ),
            # A proxy passes bodies through as they are, keeps no cookies of its own
            # (they would leak from one caller to the next), and adds no headers the
            # caller did not send.
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )

    async def close(self) -> None:
        for upstream in self.by_name.values():
            for session in (upstream.session, upstream.stream_session):
                if session is not None:
                    await session.close()
            upstream.session = upstream.stream_session = None

    async def readiness(self) -> dict[str, str]:
        """Each service's own answer to /readyz, side by side."""

        async def ready(upstream: Upstream) -> str:
            try:
                status, _ = await upstream.get_json("/readyz")
            except (aiohttp.ClientError, TimeoutError) as exc:
                return f"unavailable: {type(exc).__name__}"
            return "ok" if status == 200 else f"not ready: {status}"

        names = list(self.by_name)
        answers = await asyncio.gather(*(ready(self.by_name[name]) for name in names))
        return dict(zip(names, answers, strict=True))
