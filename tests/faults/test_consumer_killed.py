"""A consumer killed mid-stream and started again: asset-svc (a real process on
PostgreSQL) turns ticket-svc's `ticket.ticket.closed` events into repair records; SIGKILLed
while working through a backlog, then restarted, it applies every event exactly once —
one repair record and one inbox row per event, none missing, no dead letter."""

import asyncio
import uuid
from collections import Counter

import nats
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from asset_svc.database import MIGRATIONS
from guanjia_shared.clock import now
from guanjia_shared.events import build_event, ensure_stream, nats_subject
from guanjia_shared.testing.apps import eventually
from tests.faults.support.fault_harness import READY_TIMEOUT_SECONDS, kill, service_process

EVENTS = 300
REPAIRS_DURABLE = "asset-repairs"


async def publish_closed_tickets(nats_url: str, namespace: str, count: int) -> dict[str, str]:
    """`count` closed tickets as ticket-svc's relay publishes them; answers event id →
    ticket id."""
    published = {}
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, namespace, "ticket")
        for number in range(count):
            ticket_id = str(uuid.uuid4())
            event = build_event(
                service="ticket",
                short_type="ticket.ticket.closed",
                subject=ticket_id,
                data={
                    "id": ticket_id,
                    "title": f"三楼卫生间漏水（{number}）",
                    "status": "closed",
                    "department": "后勤服务中心",
                    "room_id": str(uuid.uuid4()),
                    "building_id": None,
                },
                time=now(),
            )
            await js.publish(
                nats_subject(namespace, event.short_type),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": event.id},
            )
            published[event.id] = ticket_id
    finally:
        await connection.close()
    return published


async def counts(engine, query: str) -> Counter:
    async with engine.connect() as connection:
        return Counter(row[0] for row in await connection.execute(text(query)))


@pytest.mark.timeout(90)
@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_consumer_killed_mid_stream_applies_every_event_exactly_once_after_restart(
    fresh_database, nats_server_url, event_namespace, token_mint, tmp_path
):
    database_url = await fresh_database(MIGRATIONS)
    tickets_by_event = await publish_closed_tickets(nats_server_url, event_namespace, EVENTS)
    asset = service_process(
        "asset",
        directory=tmp_path,
        database_url=database_url,
        nats_url=nats_server_url,
        namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
    )
    engine = create_async_engine(database_url)
    repairs = "SELECT ticket_id FROM repair_records"
    try:
        asset.launch()

        async def some_applied():
            assert len(await counts(engine, repairs)) >= 30

        await eventually(some_applied, timeout=30)
        await asyncio.to_thread(kill, asset)
        applied_before_kill = len(await counts(engine, repairs))
        assert applied_before_kill < EVENTS, "the kill came too late to land mid-stream"

        await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)

        async def all_applied():
            assert await counts(engine, repairs) == dict.fromkeys(tickets_by_event.values(), 1)

        # Whatever the killed process held unacknowledged comes back after the ack wait.
        await eventually(all_applied, timeout=60, interval=0.5)
        inbox = await counts(
            engine, f"SELECT event_id FROM inbox WHERE consumer = '{REPAIRS_DURABLE}'"
        )
        dead = await counts(engine, "SELECT event_id FROM dead_letter")
    finally:
        await asyncio.to_thread(asset.stop)
        await engine.dispose()
    assert inbox == dict.fromkeys(tickets_by_event, 1)
    assert dead == {}
