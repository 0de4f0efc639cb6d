"""Streams are ensured by whoever needs them first, often several processes at once, and
waited for by the other services' consumers."""

import asyncio
import contextlib

import nats
from nats.js.errors import NotFoundError

from guanjia_shared.events import ensure_stream, stream_name, wait_for_stream


async def test_many_processes_ensuring_one_stream_at_once_all_succeed(
    nats_server_url, event_namespace
):
    connections = [await nats.connect(nats_server_url) for _ in range(8)]
    try:
        await asyncio.gather(
            *(ensure_stream(c.jetstream(), event_namespace, "asset") for c in connections)
        )
        info = await connections[0].jetstream().stream_info(stream_name(event_namespace, "asset"))
        assert info.config.subjects == [f"{event_namespace}.asset.>"]
    finally:
        for connection in connections:
            await connection.close()


class SwallowingJetStream:
    """A JetStream whose stream lookup swallows a cancellation that lands while it waits, as
    nats-py's request does on Python 3.11 when the answer comes in at the same moment
    (asyncio.wait_for then returns the answer); the stream is never there."""

    async def stream_info(self, name):
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.05)
        raise NotFoundError


async def test_waiting_for_a_stream_ends_when_cancelled_even_if_a_request_swallowed_it():
    waiting = asyncio.create_task(wait_for_stream(SwallowingJetStream(), "t0", "asset"))
    await asyncio.sleep(0.01)
    waiting.cancel()
    done, _ = await asyncio.wait({waiting}, timeout=2)
    assert done and waiting.cancelled()
