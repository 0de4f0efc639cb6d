"""Real HTTP servers on loopback for the tests: any ASGI app (a provider's API played for
notify-svc's channels), and a webhook receiver (notify-svc's tests, the gateway's end to end)
that keeps every request it is sent and answers each with the next status of its script
(then 204)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from starlette.types import ASGIApp


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.received.append(Received({k.decode(): v.decode() for k, v in scope["headers"]}, body))
        status = self.answers.pop(0) if self.answers else 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@contextlib.asynccontextmanager
async def serving_on_loopback(app: ASGIApp) -> AsyncIterator[str]:
    """`app` served by uvicorn in the test's event loop; answers its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # it could not start: say why
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


@contextlib.asynccontextmanager
async def receiving(*answers: int) -> AsyncIterator[Receiver]:
    receiver = Receiver(answers=list(answers))
    async with serving_on_loopback(receiver) as base_url:
        receiver.url = f"{base_url}/hooks/guanjia"
        yield receiver
