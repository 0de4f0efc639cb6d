"""NATS stopped for a while during steady writes to asset-svc (a real process on
PostgreSQL), then started again on the same port and store: every write succeeds
throughout (its event waits in the outbox), and every event reaches the stream once."""

import asyncio
import uuid

import httpx
import pytest

from asset_svc.database import MIGRATIONS
from guanjia_shared.nats_server import NatsServerProcess
from guanjia_shared.testing.apps import eventually
from tests.faults.support.fault_harness import (
    READY_TIMEOUT_SECONDS,
    copies_by_id,
    outbox_event_ids,
    service_process,
    stream_of,
)

UNITS = "/api/v1/asset/units"
NAMESPACE = "faults"  # the NATS server is this test's own
OUTAGE_SECONDS = 3


async def write_units(client: httpx.AsyncClient, headers: dict, created: list, stop: asyncio.Event):
    while not stop.is_set():
        code = f"U{uuid.uuid4().hex[:10]}"
        answer = await client.post(
            UNITS,
            json={"code": code, "name": "市机关事务管理局", "level": "municipal"},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
        created.append(answer.json()["id"])
        await asyncio.sleep(0.02)


async def writes_reach(created: list, count: int, writer: asyncio.Task) -> None:
    """Wait until `count` writes have succeeded (a loaded machine may take a while)."""
    while len(created) < count:
        if writer.done():
            writer.result()  # the failed write's assertion
        await asyncio.sleep(0.05)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_writes_succeed_through_a_nats_outage_and_every_event_arrives_once(
    fresh_database, token_mint, tmp_path
):
    nats = NatsServerProcess(tmp_path / "nats").start()
    database_url = await fresh_database(MIGRATIONS)
    asset = service_process(
        "asset",
        directory=tmp_path,
        database_url=database_url,
        nats_url=nats.url,
        namespace=NAMESPACE,
        jwks_url=token_mint.jwks_url,
    )
    created: list[str] = []
    stop = asyncio.Event()
    try:
        await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)
        async with httpx.AsyncClient(base_url=asset.url, timeout=10) as client:
            writer = asyncio.create_task(
                write_units(client, token_mint.headers("admin"), created, stop)
            )
            await writes_reach(created, 10, writer)
            await asyncio.to_thread(nats.stop)
            await asyncio.sleep(OUTAGE_SECONDS)
            await writes_reach(created, len(created) + 10, writer)
            await asyncio.to_thread(nats.start)
            await writes_reach(created, len(created) + 10, writer)
            stop.set()
            await writer  # raises if any write failed

        recorded = await outbox_event_ids(database_url)
        assert len(recorded) == len(created)

        async def all_delivered():
            events = await stream_of(nats.url, NAMESPACE, "asset")
            assert copies_by_id(events) == dict.fromkeys(recorded, 1)
            return events

        events = await eventually(all_delivered, timeout=30, interval=0.5)
    finally:
        await asyncio.to_thread(asset.stop)
        nats.stop()
    assert sorted(event.subject for event in events) == sorted(created)
    assert {event.short_type for event in events} == {"asset.unit.created"}
