"""The CloudEvents 1.0 envelope, subject and stream naming, and stream set-up.

A service names its events in short form, `<service>.<entity>.<verb>` (`asset.unit.created`).
From that one name follow the NATS subject `<namespace>.asset.unit.created`, the CloudEvents
type `gov.guanjia.asset.unit.created.v1` and the stream `<NAMESPACE>_ASSET` over
`<namespace>.asset.>`, whose namespace is `guanjia` outside tests.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from guanjia_shared.ids import new_id

CE_TYPE_PREFIX = "gov.guanjia."
CE_TYPE_VERSION = ".v1"
DUPLICATE_WINDOW_SECONDS = 120.0
STREAM_MAX_AGE_SECONDS = 90 * 24 * 3600.0


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event in structured JSON mode."""

    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=new_id)
    source: str
    type: str
    time: AwareDatetime
    subject: str | None = None
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def short_type(self) -> str:
        """`asset.unit.created` from `gov.guanjia.asset.unit.created.v1`."""
        name = self.type.removeprefix(CE_TYPE_PREFIX)
        return name.rsplit(".", 1)[0] if name.rsplit(".", 1)[-1].startswith("v") else name


def service_of(short_type: str) -> str:
    return short_type.split(".", 1)[0]


def cloud_event_type(short_type: str) -> str:
    return f"{CE_TYPE_PREFIX}{short_type}{CE_TYPE_VERSION}"


def nats_subject(namespace: str, short_type: str) -> str:
    return f"{namespace}.{short_type}"


def stream_name(namespace: str, service: str) -> str:
    return f"{namespace}_{service}".upper().replace(".", "_").replace("-", "_")


def build_event(
    *, service: str, short_type: str, subject: str | None, data: dict[str, Any], time: datetime
) -> CloudEvent:
    if service_of(short_type) != service:
        raise ValueError(f"{service} may only publish {service}.* events, not {short_type}")
    return CloudEvent(
        source=f"/guanjia/{service}",
        type=cloud_event_type(short_type),
        subject=subject,
        time=time,
        data=data,
    )


def stream_config(namespace: str, service: str, *, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=stream_name(namespace, service),
        subjects=[f"{namespace}.{service}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=STREAM_MAX_AGE_SECONDS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )


# How often a consumer looks for the stream it reads while its producer has not made it.
STREAM_POLL_SECONDS = 0.25


async def wait_for_stream(js: JetStreamContext, namespace: str, service: str) -> None:
    """Wait until `service`'s stream exists: only its producer may make it (or change it)."""
    name = stream_name(namespace, service)
    while True:
        try:
            await js.stream_info(name)
            return
        except NotFoundError:
            # nats-py's request can swallow a cancellation that lands as its answer comes
            # in (a consumer stopped while waiting here): honour it, or the stop waits out
            # its whole grace period.
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None
            await asyncio.sleep(STREAM_POLL_SECONDS)


# How often ensure_stream looks again when another process's creation refused its own.
STREAM_CREATION_ATTEMPTS = 5


async def ensure_stream(
    js: JetStreamContext, namespace: str, service: str, *, replicas: int = 1
) -> None:
    """Create the service's stream, or bring an existing one to our config (idempotent).

    Several processes may ensure the same stream at once (a producer's relay and its
    consumers in other services): one creation wins, and the others, refused while it is
    being made, look again rather than fail."""
    config = stream_config(namespace, service, replicas=replicas)
    for attempt in range(STREAM_CREATION_ATTEMPTS):
        try:
            await js.stream_info(config.name)
        except NotFoundError:
            try:
                await js.add_stream(config)
                return
            except BadRequestError:
                if attempt == STREAM_CREATION_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
                continue
        await js.update_stream(config)
        return
