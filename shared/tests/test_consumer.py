"""The consumer promise: every event applies exactly once, whatever is redelivered."""

import os
import signal
import subprocess
import sys

import nats
from nats.js.errors import NotFoundError
from sqlalchemy import func, select

from guanjia_shared.broker import Broker
from guanjia_shared.clock import now
from guanjia_shared.consumer import EventConsumer, PoisonEvent
from guanjia_shared.events import CloudEvent, build_event, ensure_stream, nats_subject, stream_name
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.platform_tables import dead_letter, inbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.effects import effect_subscription, effects_by_event, leave_effect
from guanjia_shared.testing.streams import publish_event, publish_with_retries

# The effects service's consumer, run in a process of its own.
CONSUMER_PROCESS = "guanjia_shared.testing.effects_consumer"


def thing_done(number: int) -> CloudEvent:
    return build_event(
        service="asset",
        short_type="asset.thing.done",
        subject=str(number),
        data={"n": number},
        time=now(),
    )


async def publish_things(nats_url, namespace, count) -> list[str]:
    events = [thing_done(number) for number in range(count)]
    for event in events:
        await publish_event(nats_url, namespace, event)
    return [event.id for event in events]


async def count_rows(session_factory, table) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


def consumer_for(session_factory, broker, namespace, subscription, metrics=None):
    return EventConsumer(
        subscription=subscription,
        service="effects",
        broker=broker,
        session_factory=session_factory,
        namespace=namespace,
        metrics=metrics,
    )


class RunningConsumer:
    def __init__(self, session_factory, nats_url, namespace, subscription, metrics=None):
        self.broker = Broker(nats_url, name="test-consumer")
        self.consumer = consumer_for(session_factory, self.broker, namespace, subscription, metrics)

    async def __aenter__(self):
        self.broker.start()
        self.consumer.start()
        return self.consumer

    async def __aexit__(self, *_):
        await self.consumer.stop()
        await self.broker.close()


async def test_every_event_applies_once_and_a_replay_applies_nothing_again(
    session_factory, nats_server_url, event_namespace
):
    ids = await publish_things(nats_server_url, event_namespace, 30)

    async def all_applied():
        assert await effects_by_event(session_factory) == {event_id: 1 for event_id in ids}

    async with RunningConsumer(
        session_factory, nats_server_url, event_namespace, effect_subscription()
    ) as consumer:
        await eventually(all_applied)
        durable = consumer.durable

    # Forget the consumer's position: JetStream delivers all 30 again.
    stream = stream_name(event_namespace, "asset")
    connection = await nats.connect(nats_server_url)
    try:
        js = connection.jetstream()
        await js.delete_consumer(stream, durable)
        last = (await js.stream_info(stream)).state.last_seq
        async with RunningConsumer(
            session_factory, nats_server_url, event_namespace, effect_subscription()
        ):

            async def all_delivered_again_and_settled():
                try:
                    info = await js.consumer_info(stream, durable)
                except NotFoundError as exc:  # not made again yet
                    raise AssertionError(durable) from exc
                assert info.delivered.stream_seq >= last, info.delivered
                assert info.num_ack_pending == 0 and info.num_pending == 0, info

            await eventually(all_delivered_again_and_settled)
    finally:
        await connection.close()
    await all_applied()


async def test_a_transient_failure_is_retried_until_the_event_applies_once(
    session_factory, nats_server_url, event_namespace
):
    failures_left = {"count": 2}

    async def flaky(session, event):
        if failures_left["count"] > 0:
            failures_left["count"] -= 1
            raise ConnectionError("the database blinked")
        await leave_effect(session, event)

    ids = await publish_things(nats_server_url, event_namespace, 1)
    metrics = ServiceMetrics("effects")
    subscription = effect_subscription(flaky, retry_delays=(0.1,))
    async with RunningConsumer(
        session_factory, nats_server_url, event_namespace, subscription, metrics
    ) as consumer:

        async def applied():
            assert await effects_by_event(session_factory) == {ids[0]: 1}

        await eventually(applied)
        redeliveries = metrics.consumer_redeliveries(consumer.durable)._value.get()
    assert redeliveries == 2


async def test_a_message_that_is_not_a_cloud_event_becomes_a_dead_letter(
    session_factory, nats_server_url, event_namespace
):
    connection = await nats.connect(nats_server_url)
    js = connection.jetstream()
    await ensure_stream(js, event_namespace, "asset")
    await publish_with_retries(js, nats_subject(event_namespace, "asset.thing.done"), b"{not json")
    await connection.close()
    good = await publish_things(nats_server_url, event_namespace, 1)
    async with RunningConsumer(
        session_factory, nats_server_url, event_namespace, effect_subscription()
    ):

        async def settled():
            assert await effects_by_event(session_factory) == {good[0]: 1}
            assert await count_rows(session_factory, dead_letter) == 1

        await eventually(settled)
    async with session_factory() as session:
        letter = (await session.execute(select(dead_letter))).one()
    assert letter.payload == "{not json" and "not a CloudEvent" in letter.error


async def test_an_event_failing_past_max_deliver_becomes_a_dead_letter_and_stops(
    session_factory, nats_server_url, event_namespace
):
    async def always_failing(session, event):
        raise RuntimeError("a bug in the handler")

    ids = await publish_things(nats_server_url, event_namespace, 1)
    subscription = effect_subscription(always_failing, max_deliver=3, retry_delays=(0.05,))
    async with RunningConsumer(session_factory, nats_server_url, event_namespace, subscription):

        async def dead_lettered():
            assert await count_rows(session_factory, dead_letter) == 1

        await eventually(dead_lettered)
    async with session_factory() as session:
        letter = (await session.execute(select(dead_letter))).one()
    assert letter.event_id == ids[0] and letter.deliveries == 3
    assert await count_rows(session_factory, inbox) == 0


async def test_a_handler_can_declare_an_event_poison_at_once(
    session_factory, nats_server_url, event_namespace
):
    async def refusing(session, event):
        raise PoisonEvent("the event names no unit")

    await publish_things(nats_server_url, event_namespace, 1)
    subscription = effect_subscription(refusing)
    async with RunningConsumer(session_factory, nats_server_url, event_namespace, subscription):

        async def dead_lettered():
            assert await count_rows(session_factory, dead_letter) == 1

        await eventually(dead_lettered)
    async with session_factory() as session:
        assert (await session.execute(select(dead_letter.c.deliveries))).scalar_one() == 1


async def test_a_batch_with_a_failing_event_keeps_nothing_twice_and_settles_each_event(
    session_factory, nats_server_url, event_namespace
):
    # Published before the consumer starts, so its first fetch brings them as one batch.
    ids = await publish_things(nats_server_url, event_namespace, 10)
    failures_left = {"count": 1}

    async def picky(session, event):
        await leave_effect(session, event)
        if event.data["n"] == 3 and failures_left["count"] > 0:
            failures_left["count"] -= 1
            raise ConnectionError("the database blinked")
        if event.data["n"] == 5:
            raise PoisonEvent("thing 5 can never apply")

    subscription = effect_subscription(picky, retry_delays=(0.1,))
    async with RunningConsumer(session_factory, nats_server_url, event_namespace, subscription):

        async def settled():
            expected = {event_id: 1 for number, event_id in enumerate(ids) if number != 5}
            assert await effects_by_event(session_factory) == expected
            assert await count_rows(session_factory, dead_letter) == 1

        await eventually(settled)
    async with session_factory() as session:
        letter = (await session.execute(select(dead_letter))).one()
        applied = set(await session.scalars(select(inbox.c.event_id)))
    assert letter.event_id == ids[5] and letter.deliveries == 1
    assert applied == set(ids) - {ids[5]}


async def test_a_fetch_is_applied_together_and_on_its_own_when_together_fails(
    session_factory, nats_server_url, event_namespace
):
    together: list[list[str]] = []
    failing = {"next": False}

    async def apply_together(session, events):
        together.append([event.id for event in events])
        if failing["next"]:
            failing["next"] = False
            raise ConnectionError("the database blinked")
        for event in events:
            await leave_effect(session, event)

    async def all_applied(expected):
        assert await effects_by_event(session_factory) == expected

    subscription = effect_subscription(handle_together=apply_together)
    ids: list[str] = []
    for fails in (False, True):
        # Published while no consumer runs, so its first fetch brings several at once.
        ids += await publish_things(nats_server_url, event_namespace, 10)
        together.clear()
        failing["next"] = fails
        async with RunningConsumer(session_factory, nats_server_url, event_namespace, subscription):
            await eventually(lambda expected=dict.fromkeys(ids, 1): all_applied(expected))
        assert len(together[0]) > 1
        if fails:
            # Applied one by one by the handler instead, none of it together again.
            assert not set(together[0]) & {event_id for call in together[1:] for event_id in call}
        else:
            assert sorted(event_id for call in together for event_id in call) == sorted(ids)


async def test_a_consumer_killed_mid_batch_applies_each_event_exactly_once_after_restart(
    plain_reader, database_url, nats_server_url, event_namespace
):
    ids = await publish_things(nats_server_url, event_namespace, 150)
    arguments = [
        sys.executable,
        "-m",
        CONSUMER_PROCESS,
        database_url,
        nats_server_url,
        event_namespace,
    ]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen(arguments, env=environment)
    try:

        async def some_applied():
            assert sum((await effects_by_event(plain_reader)).values()) >= 30

        await eventually(some_applied, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        applied_before_restart = sum((await effects_by_event(plain_reader)).values())
        assert applied_before_restart < 150, "the kill came too late to land mid-batch"
    finally:
        if first.poll() is None:
            first.kill()
    second = subprocess.Popen(arguments, env=environment)
    try:

        async def all_applied_once():
            assert await effects_by_event(plain_reader) == {event_id: 1 for event_id in ids}

        await eventually(all_applied_once, timeout=60)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=10)
        except subprocess.TimeoutExpired:
            second.kill()
