"""The automatic nonconformity from ticket-svc's events on the real broker: the third
breach of a commitment in its period opens one nonconformity against its procedure, once —
with every event delivered again, the same breaches published anew under other message ids,
and a second consumer (a second replica, its own connections) taking its share of the same
durable consumer at the same time."""

from collections import Counter

import nats
import pytest
from sqlalchemy import select

from guanjia_shared.consumer import EventConsumer
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.events import nats_subject
from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_with_retries, published_events
from ledger_svc.nonconformities.consumers import nonconformity_subscription

from .nonconformity_helpers import NONCONFORMITIES
from .ticket_events import COMMITMENT, PROCEDURE, REPAIRS, breach, rating

OPENED = "gov.guanjia.ledger.nonconformity.opened.v1"


@pytest.fixture
def publish_again(nats_server_url, event_namespace):
    """The same events once more under other message ids, past the broker's
    de-duplication (as a relay would after a crash between publishing and marking sent)."""

    async def _publish_again(*events):
        connection = await nats.connect(nats_server_url)
        try:
            for event in events:
                await publish_with_retries(
                    connection.jetstream(),
                    nats_subject(event_namespace, event.short_type),
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": f"{event.id}-again"},
                )
        finally:
            await connection.close()

    return _publish_again


@pytest.fixture
async def second_consumer(running_service):
    """Another replica's consumer of the same durable, on its own engine."""
    engine = create_engine(running_service.settings.database_url)
    consumer = EventConsumer(
        subscription=nonconformity_subscription(running_service.settings),
        service="ledger",
        broker=running_service.app.state.broker,
        session_factory=create_session_factory(engine, service="ledger"),
        namespace=running_service.settings.event_namespace,
        batch_size=1,
    )
    consumer.start()
    yield consumer
    await consumer.stop()
    await engine.dispose()


async def listed(client, who, **params):
    answer = await client.get(NONCONFORMITIES, params=params, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def test_breaches_open_one_nonconformity_however_they_are_delivered(
    client,
    leader,
    publish,
    publish_again,
    second_consumer,
    nats_server_url,
    event_namespace,
    session_factory,
):
    breaches = [breach(f"2026-03-0{n}") for n in range(2, 8)]  # six tickets, three needed
    await publish(*breaches)
    await publish_again(*breaches)
    await publish(*breaches)  # the same ids again: the broker drops these
    # Another department's breach, published last, shows when those were handled.
    marker = [breach(f"2026-03-0{n}", department="物业管理处") for n in (2, 3, 4)]
    await publish(*marker)

    async def two_opened():
        found = await listed(client, leader)
        assert len(found) == 2
        return found

    opened = {n["department"]: n for n in await eventually(two_opened, timeout=30)}
    ours = opened[REPAIRS]
    assert (ours["source"], ours["trigger"], ours["procedure_code"]) == (
        "automatic",
        "breaches",
        PROCEDURE,
    )
    assert ours["commitment_id"] == COMMITMENT and ours["stage"] == "containment"

    async def every_breach_noted():
        detail = (
            await client.get(f"{NONCONFORMITIES}/{ours['id']}", headers=leader.headers)
        ).json()
        assert len(detail["signals"]) == len(breaches)
        return detail

    detail = await eventually(every_breach_noted, timeout=30)
    assert Counter(s["opening"] for s in detail["signals"]) == {True: 3, False: 3}
    assert {s["event_id"] for s in detail["signals"]} == {e.id for e in breaches}
    [opening] = detail["moves"]
    assert opening["kind"] == "opened" and len(opening["detail"]["signals"]) == 3

    async def opened_once_on_the_stream():
        events = await published_events(nats_server_url, event_namespace, "ledger")
        counts = Counter(e.subject for e in events if e.type == OPENED)
        assert set(counts) == {n["id"] for n in opened.values()}
        return counts

    counts = await eventually(opened_once_on_the_stream)
    assert counts[ours["id"]] == 1

    async with session_factory() as session:
        assert list(await session.execute(select(dead_letter))) == []


async def test_low_ratings_open_one_from_the_broker(client, leader, publish):
    await publish(*(rating(f"2026-03-0{n}", 2) for n in range(1, 6)))

    async def opened():
        found = await listed(client, leader, source="automatic")
        assert len(found) == 1
        return found

    [nonconformity] = await eventually(opened, timeout=30)
    assert nonconformity["trigger"] == "rating"
