"""The console inbox as server-sent events: an open console is told its unread count, and
the newest message, within `inbox_poll_seconds` of a change (a message made, one read in
another tab). Each stream looks at its person's inbox every so often, one indexed count in
a short session of its own (no connection is held between looks); a comment line keeps an
idle stream alive through the gateway and proxies. A stream ends after
`inbox_stream_minutes`, and the console opens another: an access token is checked when a
stream opens, so none outlives its token by long."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import orjson
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.db import SessionFactory
from guanjia_shared.logging import get_logger
from notify_svc.config import Settings
from notify_svc.messages.models import InboxMessageRead, Message
from notify_svc.messages.service import inbox_of, unread_count

log = get_logger("notify.inbox")

KEEPALIVE_SECONDS = 15.0
# How long the browser waits before opening a stream again after it ended or broke.
RECONNECT_MILLISECONDS = 3000


async def inbox_state(session_factory: SessionFactory, viewer: Principal) -> dict:
    async with session_factory() as session:
        unread = await session.scalar(unread_count(viewer))
        newest = await session.scalar(
            select(Message)
            .where(inbox_of(viewer))
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(1)
        )
    latest = InboxMessageRead.model_validate(newest).model_dump(mode="json") if newest else None
    return {"unread": unread or 0, "latest": latest}


async def inbox_events(
    session_factory: SessionFactory,
    viewer: Principal,
    settings: Settings,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n".encode()
    opened = time.monotonic()
    ends_at = opened + settings.inbox_stream_minutes * 60
    told: dict | None = None
    last_sent = opened
    try:
        while time.monotonic() < ends_at and not await disconnected():
            state = await inbox_state(session_factory, viewer)
            if state != told:
                told = state
                yield b"event: inbox\ndata: " + orjson.dumps(state) + b"\n\n"
                last_sent = time.monotonic()
            elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                yield b": keep-alive\n\n"
                last_sent = time.monotonic()
            await asyncio.sleep(settings.inbox_poll_seconds)
    finally:
        log.info("inbox_stream_ended", user_id=viewer.id, seconds=round(time.monotonic() - opened))
