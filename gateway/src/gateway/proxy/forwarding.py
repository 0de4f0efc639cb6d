"""The hot path: a request for a service, checked, limited and streamed there and back as
plain ASGI (no framework routing, no models). Everything else falls through to the
gateway's own routes."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Coroutine
from typing import Any
from urllib.parse import quote

import aiohttp
from starlette.types import ASGIApp, Receive, Scope, Send
from yarl import URL

from gateway.proxy.breaker import CircuitOpenError
from gateway.proxy.errors import BadGateway, CircuitOpen, GatewayTimeout, UpstreamUnavailable
from gateway.proxy.headers import (
    announces_body,
    asks_for_event_stream,
    caller_response_headers,
    upstream_request_headers,
)
from gateway.proxy.rate_limit import TokenBuckets
from gateway.proxy.routing import destination_of
from gateway.proxy.upstreams import Upstream, Upstreams
from gateway.tokens.verification import TokenVerifier
from guanjia_shared.addresses import address_block
from guanjia_shared.auth import bearer_token
from guanjia_shared.errors import DomainError, RateLimited, Unauthorized, problem_response
from guanjia_shared.logging import get_logger
from guanjia_shared.middleware import header

log = get_logger("guanjia.gateway.proxy")

# Sent again once when the service could not be reached: repeating them does no harm. (A
# connection the service dropped is retried once for these by aiohttp itself, RFC 9112 §9.3.1.)
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class _CallerLeft(Exception):
    """The caller hung up while its body was being passed on: nobody is left to answer."""


class _RequestBody:
    """The caller's body, read from ASGI only as fast as the service takes it."""

    __slots__ = ("caller_left", "receive")

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.caller_left = False

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                self.caller_left = True
                raise _CallerLeft
            if body := message.get("body", b""):
                yield body
            if not message.get("more_body", False):
                return


async def _until_caller_leaves(copying: Coroutine[Any, Any, None], receive: Receive) -> None:
    """Copies the body until it ends or the caller hangs up, whichever comes first."""

    async def caller_left() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    copy = asyncio.ensure_future(copying)
    tasks = [copy, asyncio.ensure_future(caller_left())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if not copy.cancelled() and (failure := copy.exception()) is not None:
        raise failure


def _target(scope: Scope) -> str:
    """The path and query exactly as the caller encoded them."""
    path = (scope.get("raw_path") or quote(scope["path"]).encode()).decode("latin-1")
    query = scope["query_string"]
    return f"{path}?{query.decode('latin-1')}" if query else path


class ProxyApp:
    def __init__(
        self,
        *,
        upstreams: Upstreams,
        verifier: TokenVerifier,
        buckets: TokenBuckets,
        public_buckets: TokenBuckets,
        fallback: ASGIApp,
    ) -> None:
        self.upstreams = upstreams
        self.verifier = verifier
        self.buckets = buckets
        self.public_buckets = public_buckets
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        destination = destination_of(scope["path"]) if scope["type"] == "http" else None
        if destination is None:
            await self.fallback(scope, receive, send)
            return
        upstream = self.upstreams[destination.service]
        scope["route"] = upstream.route
        try:
            self._admit(scope, public=destination.public)
            await self._forward(scope, receive, send, upstream)
        except DomainError as refusal:
            await refusal.to_response()(scope, receive, send)
        except _CallerLeft:
            pass
        except Exception:
            request_id = scope["state"]["request_id"]
            log.exception("proxy_error", service=upstream.name, request_id=request_id)
            await problem_response(
                500,
                "internal-error",
                "Internal error",
                "an unexpected error occurred; quote the request id when reporting it",
                request_id=request_id,
            )(scope, receive, send)

    def _admit(self, scope: Scope, *, public: bool) -> None:
        """Public paths: limited per address (an IPv6 caller per /64). Others: a valid token
        of ours first (checked here, before the service is troubled), then limited per token
        subject."""
        client = scope.get("client")
        address = address_block(client[0]) if client else "unknown"
        if public:
            self._spend(self.public_buckets, address)
            return
        try:
            principal = self.verifier.verify_now(bearer_token(header(scope, b"authorization")))
        except Unauthorized:
            self._spend(self.buckets, address)  # so that bad tokens cannot flood either
            raise
        # Subjects are UUIDs and addresses are IPs: one key space serves both.
        self._spend(self.buckets, principal.id)

    @staticmethod
    def _spend(buckets: TokenBuckets, key: str) -> None:
        wait = buckets.take(key)
        if wait:
            raise RateLimited("too many requests; slow down", retry_after=math.ceil(wait))

    async def _forward(
        self, scope: Scope, receive: Receive, send: Send, upstream: Upstream
    ) -> None:
        breaker = upstream.breaker
        try:
            is_probe = breaker.admit()
        except CircuitOpenError as open_circuit:
            raise CircuitOpen(
                f"{upstream.name} has been failing; it is given time to recover",
                retry_after=open_circuit.retry_after,
                service=upstream.name,
            ) from None
        try:
            response = await self._send_upstream(scope, receive, upstream)
            breaker.record_success()
            async with response:
                await send(
                    {
                        "type": "http.response.start",
                        "status": response.status,
                        "headers": caller_response_headers(response.raw_headers),
                    }
                )
                copying = self._copy_body(response, send, upstream)
                if asks_for_event_stream(scope) and not announces_body(scope):
                    # A stream is silent for long stretches: were it only written to, the
                    # caller's leaving would go unseen until the next comment, and the
                    # service's end of it held open for nothing.
                    await _until_caller_leaves(copying, receive)
                else:
                    await copying
        finally:
            if is_probe:
                breaker.abandon_probe()

    async def _copy_body(
        self, response: aiohttp.ClientResponse, send: Send, upstream: Upstream
    ) -> None:
        try:
            async for chunk in response.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The answer has begun, so no problem+json can follow: the caller sees the
            # connection close before the body is complete.
            upstream.breaker.record_failure()
            log.warning("upstream_response_cut", service=upstream.name, error=repr(exc))
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _send_upstream(
        self, scope: Scope, receive: Receive, upstream: Upstream
    ) -> aiohttp.ClientResponse:
        method = scope["method"]
        url = URL(upstream.base_url + _target(scope), encoded=True)
        headers = upstream_request_headers(scope, scope["state"]["request_id"])
        body = _RequestBody(receive) if announces_body(scope) else None
        retries_left = 1 if method in RETRYABLE_METHODS else 0
        client = upstream.stream_client if asks_for_event_stream(scope) else upstream.client
        while True:
            try:
                return await client.request(
                    method,
                    url,
                    headers=headers,
                    data=body.chunks() if body is not None else None,
                    allow_redirects=False,
                )
            except aiohttp.ServerTimeoutError as exc:
                upstream.breaker.record_failure()
                if isinstance(exc, aiohttp.ConnectionTimeoutError):
                    raise UpstreamUnavailable(
                        f"{upstream.name} did not accept a connection in time",
                        service=upstream.name,
                    ) from exc
                raise GatewayTimeout(
                    f"{upstream.name} did not answer in time", service=upstream.name
                ) from exc
            except aiohttp.ClientConnectorError as exc:
                # Nothing was sent, so even a body can go again.
                if retries_left:
                    retries_left -= 1
                    continue
                upstream.breaker.record_failure()
                raise UpstreamUnavailable(
                    f"{upstream.name} cannot be reached", service=upstream.name
                ) from exc
            except aiohttp.ClientConnectionError as exc:
                if body is not None and body.caller_left:
                    raise _CallerLeft from exc
                upstream.breaker.record_failure()
                raise BadGateway(
                    f"{upstream.name} broke off the exchange", service=upstream.name
                ) from exc
