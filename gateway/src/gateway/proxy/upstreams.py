"""The services behind the gateway: one pooled aiohttp session each, and a breaker each."""

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

    @property
    def client(self) -> aiohttp.ClientSession:
        if self.session is None:
            raise RuntimeError(f"the session to {self.name} is used before the gateway started")
        return self.session

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
            upstream.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=settings.upstream_pool_size,
                    keepalive_timeout=settings.upstream_keepalive_seconds,
                ),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=settings.upstream_connect_timeout_seconds,
                    sock_read=settings.upstream_read_timeout_seconds,
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
            if upstream.session is not None:
                await upstream.session.close()
                upstream.session = None

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
