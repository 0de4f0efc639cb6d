"""The outbox promise: an event recorded with a change is published once, NATS or not."""

import asyncio

import pytest
from sqlalchemy import func, select

from guanjia_shared.broker import Broker
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.events import CloudEvent
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.nats_server import NatsServerProcess, free_port
from guanjia_shared.outbox import OutboxRelay, record_event, record_events
from guanjia_shared.platform_tables import outbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events


async def record_things(session_factory, count: int, *, commit: bool = True) -> list[str]:
    ids = []
    async with session_factory() as session:
        for number in range(count):
            ids.append(
                await record_event(session, "asset.thing.done", f"thing-{number}", {"n": number})
            )
        if commit:
            await session.commit()
    return ids


async def pending(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )


def relay_for(session_factory, broker, namespace, metrics=None) -> OutboxRelay:
    return OutboxRelay(
        session_factory=session_factory,
        broker=broker,
        namespace=namespace,
        service="asset",
        metrics=metrics,
        batch_size=50,
        idle_poll_seconds=0.1,
        max_backoff=0.5,
    )


async def test_an_event_of_a_rolled_back_transaction_is_never_published(
    session_factory, nats_server_url, event_namespace
):
    await record_things(session_factory, 3, commit=False)
    kept = await record_things(session_factory, 1)
    broker = Broker(nats_server_url, name="test")
    broker.start()
    relay = relay_for(session_factory, broker, event_namespace)
    relay.start()
    try:
        await eventually(lambda: _assert_pending(session_factory, 0))
    finally:
        await relay.stop()
        await broker.close()
    events = await published_events(nats_server_url, event_namespace, "asset")
    assert [event.id for event in events] == kept


async def _assert_pending(session_factory, expected: int) -> None:
    assert await pending(session_factory) == expected


async def test_the_backlog_gauge_settles_at_what_is_left_once_batches_stop_coming(
    session_factory, nats_server_url, event_namespace
):
    metrics = ServiceMetrics("asset")
    metrics.outbox_backlog.set(999)  # not a figure the relay could leave there
    broker = Broker(nats_server_url, name="test")
    broker.start()
    relay = relay_for(session_factory, broker, event_namespace, metrics)
    relay.start()
    try:
        # Many small batches, one per commit: the gauge is refreshed at most once per
        # idle poll, yet ends on the backlog as it is once the relay has caught up.
        for _ in range(20):
            await record_things(session_factory, 3)

        async def caught_up():
            assert await pending(session_factory) == 0
            assert metrics.outbox_backlog._value.get() == 0

        await eventually(caught_up)
    finally:
        await relay.stop()
        await broker.close()


async def test_events_recorded_while_nats_is_down_are_all_delivered_once_when_it_starts(
    session_factory, event_namespace, tmp_path
):
    server = NatsServerProcess(tmp_path / "nats", port=free_port())
    broker = Broker(server.url, name="test", max_backoff=0.3)
    broker.start()
    relay = relay_for(session_factory, broker, event_namespace)
    relay.start()
    try:
        recorded = await record_things(session_factory, 120)
        await asyncio.sleep(0.5)
        assert await pending(session_factory) == 120  # nothing lost, nothing sent

        server.start()
        await eventually(lambda: _assert_pending(session_factory, 0), timeout=30)
        events = await published_events(server.url, event_namespace, "asset")
        assert [event.id for event in events] == recorded
    finally:
        await relay.stop()
        await broker.close()
        server.stop()


async def test_events_written_across_a_nats_restart_are_delivered_once_each(
    session_factory, event_namespace, tmp_path
):
    server = NatsServerProcess(tmp_path / "nats", port=free_port()).start()
    broker = Broker(server.url, name="test", max_backoff=0.3)
    broker.start()
    relay = relay_for(session_factory, broker, event_namespace)
    relay.start()
    try:
        before = await record_things(session_factory, 40)
        await eventually(lambda: _assert_pending(session_factory, 0))
        server.stop()
        during = await record_things(session_factory, 40)
        await asyncio.sleep(0.5)
        assert await pending(session_factory) == 40
        server.start()
        await eventually(lambda: _assert_pending(session_factory, 0), timeout=30)
        events = await published_events(server.url, event_namespace, "asset")
        assert sorted(event.id for event in events) == sorted(before + during)
        assert len(events) == 80
    finally:
        await relay.stop()
        await broker.close()
        server.stop()


async def test_jetstream_drops_a_republished_event_by_its_id(
    session_factory, nats_server_url, event_namespace
):
    """The second line of defence: a relay that crashed after the PubAck but before
    marking the row publishes it again, and the stream keeps one copy."""
    recorded = await record_things(session_factory, 5)
    broker = Broker(nats_server_url, name="test")
    broker.start()
    await broker.wait_connected()
    relay = relay_for(session_factory, broker, event_namespace)
    try:
        assert await relay.publish_pending_batch() == 5
        async with session_factory() as session:
            await session.execute(outbox.update().values(published_at=None))
            await session.commit()
        assert await relay.publish_pending_batch() == 5
    finally:
        await broker.close()
    events = await published_events(nats_server_url, event_namespace, "asset")
    assert [event.id for event in events] == recorded


# Several relays share one database only on PostgreSQL; SQLite has one writer process.
@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_two_relays_on_one_postgresql_database_publish_each_event_once(
    database_url, nats_server_url, event_namespace
):
    engines = [create_engine(database_url) for _ in range(2)]
    factories = [create_session_factory(engine, service="asset") for engine in engines]
    recorded = await record_things(factories[0], 600)
    brokers = [Broker(nats_server_url, name=f"relay-{n}") for n in range(2)]
    metrics = [ServiceMetrics("asset") for _ in range(2)]
    relays = [
        relay_for(factory, broker, event_namespace, metric)
        for factory, broker, metric in zip(factories, brokers, metrics, strict=True)
    ]
    for broker in brokers:
        broker.start()
    for broker in brokers:
        await broker.wait_connected()
    for relay in relays:
        relay.start()
    try:
        await eventually(lambda: _assert_pending(factories[0], 0), timeout=30)
    finally:
        for relay in relays:
            await relay.stop()
        for broker in brokers:
            await broker.close()
        for engine in engines:
            await engine.dispose()
    published_by_each = [metric.events_published._value.get() for metric in metrics]
    # Each row was claimed by exactly one relay: the counts add up to the rows, no more.
    assert sum(published_by_each) == 600
    assert all(count > 0 for count in published_by_each), published_by_each
    events = await published_events(nats_server_url, event_namespace, "asset")
    assert sorted(event.id for event in events) == sorted(recorded)


async def test_events_recorded_together_are_one_row_each_in_their_order(session_factory):
    async with session_factory() as session:
        ids = await record_events(
            session, [("asset.thing.done", f"thing-{n}", {"n": n}) for n in range(3)]
        )
        assert await record_events(session, []) == []
        await session.commit()

    async with session_factory() as session:
        rows = (await session.execute(select(outbox).order_by(outbox.c.seq))).all()
    assert len(set(ids)) == 3 and [row.event_id for row in rows] == ids
    envelopes = [CloudEvent.model_validate_json(row.envelope) for row in rows]
    assert [(event.id, event.subject, event.data) for event in envelopes] == [
        (ids[n], f"thing-{n}", {"n": n}) for n in range(3)
    ]
    assert {row.event_type for row in rows} == {"asset.thing.done"}
