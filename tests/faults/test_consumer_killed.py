"""A consumer killed mid-stream and started again: asset-svc (a real process on
PostgreSQL) turns ticket-svc's `ticket.ticket.closed` events into repair records; SIGKILLed
while working through a backlog, then restarted, it applies every event exactly once —
one repair record and one inbox row per event, none missing, no dead letter.

The kill lands at a known point: the test holds, uncommitted, the inbox row of one event
in the middle of the backlog, so that the consumer applies the events before it and then
waits on that row's lock, mid-batch; it is killed there, and the row let go."""

import asyncio
import uuid
from collections import Counter

import nats
import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from asset_svc.database import MIGRATIONS
from guanjia_shared.clock import now
from guanjia_shared.events import build_event, ensure_stream, nats_subject
from guanjia_shared.platform_tables import inbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_with_retries
from tests.faults.support.fault_harness import READY_TIMEOUT_SECONDS, kill, service_process

EVENTS = 300
# The event whose inbox row the test holds: the consumer applies those before it (in
# batches of 50) and stops at it.
HELD = 120
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
            await publish_with_retries(
                js,
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
    held_event = list(tickets_by_event)[HELD]
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
        async with engine.connect() as holder:
            await holder.execute(
                insert(inbox).values(
                    consumer=REPAIRS_DURABLE,
                    event_id=held_event,
                    event_type="ticket.ticket.closed",
                    processed_at=now(),
                )
            )
            asset.launch()

            async def stuck_on_the_held_row():
                waiting = await engine.connect()
                try:
                    found = await waiting.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND wait_event_type = 'Lock' "
                            "AND query LIKE 'INSERT INTO inbox%'"
                        )
                    )
                finally:
                    await waiting.close()
                assert found == 1, "the consumer is not waiting on the held inbox row"

            await eventually(stuck_on_the_held_row, timeout=30, interval=0.1)
            await asyncio.to_thread(kill, asset)
            applied_before_kill = await counts(engine, repairs)
            await holder.rollback()
        # The batches before the held event's applied; the held one's batch did not.
        assert 0 < len(applied_before_kill) <= HELD
        assert tickets_by_event[held_event] not in applied_before_kill

        await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)

        async def all_applied():
            assert await counts(engine, repairs) == dict.fromkeys(tickets_by_event.values(), 1)

        # Whatever the killed process held unacknowledged comes back after the ack wait.
        await eventually(all_applied, timeout=60, interval=0.5)
        inbox_rows = await counts(
            engine, f"SELECT event_id FROM inbox WHERE consumer = '{REPAIRS_DURABLE}'"
        )
        dead = await counts(engine, "SELECT event_id FROM dead_letter")
    finally:
        await asyncio.to_thread(asset.stop)
        await engine.dispose()
    assert inbox_rows == dict.fromkeys(tickets_by_event, 1)
    assert dead == {}
