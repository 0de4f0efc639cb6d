"""Reading what a service really published to JetStream, for assertions."""

from __future__ import annotations

import nats
from nats.js.errors import NotFoundError

from guanjia_shared.events import (
    CloudEvent,
    ensure_stream,
    nats_subject,
    service_of,
    stream_name,
)


async def published_events(nats_url: str, namespace: str, service: str) -> list[CloudEvent]:
    """Every event in the service's stream, in stream order (empty if there is no stream)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        name = stream_name(namespace, service)
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
    finally:
        await connection.close()


async def publish_event(nats_url: str, namespace: str, event: CloudEvent) -> None:
    """Publish `event` as its producing service's relay would (stream made if missing)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, namespace, service_of(event.short_type))
        await js.publish(
            nats_subject(namespace, event.short_type),
            event.model_dump_json().encode(),
            headers={"Nats-Msg-Id": event.id},
        )
    finally:
        await connection.close()


async def delete_namespace_streams(nats_url: str, namespace: str) -> None:
    """Remove every stream under `namespace` (a test's or a benchmark's own)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        for info in await js.streams_info():
            if info.config.name.startswith(namespace.upper() + "_"):
                await js.delete_stream(info.config.name)
    finally:
        await connection.close()
