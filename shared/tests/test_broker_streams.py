"""Streams are ensured by whoever needs them first, often several processes at once."""

import asyncio

import nats

from guanjia_shared.events import ensure_stream, stream_name


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
