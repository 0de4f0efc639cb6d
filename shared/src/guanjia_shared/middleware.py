"""Plain ASGI middleware shared by the services and the gateway: request ids, access logs
and request metrics, and the cap on request bodies."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Callable

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guanjia_shared.errors import problem_body
from guanjia_shared.logging import get_logger
from guanjia_shared.metrics import ServiceMetrics

REQUEST_ID_HEADER = b"x-request-id"
_acceptable_request_id = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = get_logger("guanjia.access")


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def request_id_for(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    given = header(scope, REQUEST_ID_HEADER)
    if given and _acceptable_request_id.match(given):
        return given
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id (echoed in X-Request-ID and bound to every log line),
    logs one line per request and counts it by route template and status."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        encoded_id = request_id.encode()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER]
                headers.append((REQUEST_ID_HEADER, encoded_id))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if self.metrics is not None:
                self.metrics.requests(template, scope["method"], str(status)).inc()
                self.metrics.latency(template, scope["method"]).observe(elapsed)
            access_log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


class _BodyTooLarge(Exception):
    pass


# A refused body is read and dropped, up to this much, before the 413 goes out (nginx's
# lingering close): a client still writing its body (the gateway passing a request on)
# would otherwise meet a closed connection where the answer should be, and tell its own
# caller 502. Beyond it the connection is cut.
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


async def _drain(receive: Receive, already: int = 0) -> None:
    drained = already
    while drained <= DRAIN_LIMIT_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class BodySizeLimitMiddleware:
    """Refuses bodies above a cap with 413 problem+json, whether announced by
    Content-Length or found while streaming; `limit_for(scope)` can raise it per route."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, limit_for: Callable[[Scope], int | None]
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope) or self.default_limit
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _drain(receive)
            await self._refuse(send, limit)
            return
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            # Once the cap is crossed the app's own answer (often a 400) is replaced.
            if exceeded:
                return
            response_started = True
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not response_started:
            await _drain(receive, received)
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = problem_body(
            413,
            "payload-too-large",
            "Payload too large",
            f"the request body exceeds the limit of {limit} bytes",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
