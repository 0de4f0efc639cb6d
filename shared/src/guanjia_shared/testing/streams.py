"""Publishing to JetStream as the services do, and reading what a service really published,
for assertions."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import TypeVar

import nats
import nats.errors
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import NoStreamResponseError, NotFoundError, ServiceUnavailableError

from guanjia_shared.events import (
    CloudEvent,
    ensure_stream,
    nats_subject,
    service_of,
    stream_name,
)

# As the outbox relay: each try waits this long for the stream's ack (its publish_timeout),
# and a publish (or a read) gives up only when the server has not answered within the bound.
PUBLISH_ACK_TIMEOUT_SECONDS = 5.0
WITHIN_SECONDS = 30.0
ResultT = TypeVar("ResultT")
# What a slow or busy server answers for a while (no stream listening yet, no ack in time,
# JetStream unavailable), and a later try can get past.
TRANSIENT_ERRORS = (
    NoStreamResponseError,
    ServiceUnavailableError,
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    TimeoutError,
)


async def _within(seconds: float, attempt: Callable[[], Awaitable[ResultT]]) -> ResultT:
    """`attempt()`, tried again after a short, growing pause while the server answers with a
    transient error, until `seconds` have passed (then that error is raised)."""
    deadline = time.monotonic() + seconds
    pause = 0.05
    while True:
        try:
            return await attempt()
        except TRANSIENT_ERRORS:
            if time.monotonic() + pause >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


async def publish_with_retries(
    js: JetStreamContext,
    subject: str,
    payload: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    within_seconds: float = WITHIN_SECONDS,
) -> PubAck:
    """Publish and wait for the stream's ack, tolerating a slow server the way the services'
    outbox relay does: on no answer, try again after a short, growing pause, until
    `within_seconds` have passed (then the last error is raised).

    Every try carries the same `Nats-Msg-Id` (the caller's, else one made for this call), so
    a try whose ack was lost is not stored twice; two calls are two messages."""
    headers = dict(headers or {})
    headers.setdefault("Nats-Msg-Id", uuid.uuid4().hex)
    return await _within(
        within_seconds,
        lambda: js.publish(subject, payload, headers=headers, timeout=PUBLISH_ACK_TIMEOUT_SECONDS),
    )


async def publish_event(nats_url: str, namespace: str, event: CloudEvent) -> None:
    """Publish `event` as its producing service's relay would (stream made if missing; the
    event id as the message id; retried on a slow server)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, namespace, service_of(event.short_type))
        await publish_with_retries(
            js,
            nats_subject(namespace, event.short_type),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": event.id},
        )
    finally:
        await connection.close()


async def published_events(nats_url: str, namespace: str, service: str) -> list[CloudEvent]:
    """Every event in the service's stream, in stream order (empty if there is no stream);
    read again while a slow server does not answer, within a bound."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        name = stream_name(namespace, service)

        async def read() -> list[CloudEvent]:
            try:
                info = await js.stream_info(name)
            except NotFoundError:
                return []
            events = []
            for sequence in range(info.state.first_seq, info.state.last_seq + 1):
                if info.state.messages == 0:
                    break
                message = await js.get_msg(name, sequence)
                events.append(CloudEvent.model_validate_json(message.data))
            return events

        return await _within(WITHIN_SECONDS, read)
    finally:
        await connection.close()


async def delete_namespace_streams(nats_url: str, namespace: str) -> None:
    """Remove every stream under `namespace` (a test's or a benchmark's own)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()

        async def delete() -> None:
            for info in await js.streams_info():
                if info.config.name.startswith(namespace.upper() + "_"):
                    with contextlib.suppress(NotFoundError):
                        await js.delete_stream(info.config.name)

        await _within(WITHIN_SECONDS, delete)
    finally:
        await connection.close()


@contextlib.contextmanager
def account_storage_kept(nats_url: str) -> Iterator[None]:
    """Keep one stream of this run's own on the server until the block ends.

    nats-server removes an account's storage directory along with its last stream, and a
    stream created at that moment fails ("error creating store for stream": its directory's
    parent is gone). Tests that delete their own streams as they end (several at once under
    xdist) brought the count to zero often enough to hit it."""
    name = f"KEEP_{uuid.uuid4().hex[:12].upper()}"

    async def kept(add: bool) -> None:
        connection = await nats.connect(nats_url)
        try:
            js = connection.jetstream()
            if add:
                await _within(
                    WITHIN_SECONDS,
                    lambda: js.add_stream(name=name, subjects=[f"guanjia-test-keep.{name}"]),
                )
            else:
                with contextlib.suppress(NotFoundError):
                    await _within(WITHIN_SECONDS, lambda: js.delete_stream(name))
        finally:
            await connection.close()

    asyncio.run(kept(add=True))
    try:
        yield
    finally:
        asyncio.run(kept(add=False))
