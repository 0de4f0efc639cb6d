"""The merged schema, kept between requests: a service's schema is fetched again when it
was missing (the service was down) or has grown older than the refresh interval."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

from gateway.openapi.merge import merge_documents
from gateway.proxy.routing import destination_of
from gateway.proxy.upstreams import Upstreams


def _owner_of(path: str) -> str | None:
    destination = destination_of(path)
    return destination.service if destination else None


class MergedSchema:
    def __init__(
        self,
        *,
        own: Callable[[], dict[str, Any]],
        upstreams: Upstreams,
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.own = own
        self.upstreams = upstreams
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._fetched: dict[str, tuple[dict[str, Any], float]] = {}  # service -> (doc, when)
        self._body: bytes | None = None
        self._lock = asyncio.Lock()

    async def body(self) -> bytes:
        """The merged document, serialised."""
        async with self._lock:
            moment = self.clock()
            due = [
                name
                for name in self.upstreams.by_name
                if name not in self._fetched
                or moment - self._fetched[name][1] > self.refresh_seconds
            ]
            fetched = await asyncio.gather(*(self._fetch(name) for name in due))
            changed = False
            for name, document in zip(due, fetched, strict=True):
                # A service that does not answer keeps its last schema, and is asked again
                # on the next request.
                if document is None:
                    continue
                previous = self._fetched.get(name)
                changed |= previous is None or previous[0] != document
                self._fetched[name] = (document, moment)
            if changed or self._body is None:
                services = {
                    name: self._fetched[name][0]
                    for name in self.upstreams.by_name
                    if name in self._fetched
                }
                self._body = orjson.dumps(merge_documents(self.own(), services, owner_of=_owner_of))
            return self._body

    async def _fetch(self, name: str) -> dict[str, Any] | None:
        try:
            status, document = await self.upstreams[name].get_json("/openapi.json")
        except (aiohttp.ClientError, TimeoutError):
            return None
        return document if status == 200 and isinstance(document, dict) else None
