"""An activated incident's tasks reach each holder once, through a consumer killed mid-batch
and two replicas: notify-svc (real processes on PostgreSQL) turns a burst of
`emergency.task.assigned` events — each holder's tasks, then the deputies of the tasks whose
holders did not acknowledge in time, as emergency-svc's timer reassigns them — into an inbox
message and an SMS per person and task, sent to an SMS provider played by a real HTTP server.

The first replica is SIGKILLed while it waits, mid-batch, on the inbox row of one event the
test holds uncommitted (as tests/faults/test_consumer_killed.py does); then two replicas
share the rest. Every (task, person) gets exactly one inbox message and one SMS message;
the provider hears of each SMS message, and of nothing else — a message whose sender died
between sending and recording it is sent again with the same `request_id`, which the
provider's API is documented to drop as a repeat."""

import asyncio
import uuid
from collections import Counter

import nats
import orjson
import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.clock import now
from guanjia_shared.events import build_event, ensure_stream, nats_subject
from guanjia_shared.platform_tables import inbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from guanjia_shared.testing.streams import publish_with_retries
from notify_svc.database import MIGRATIONS
from notify_svc.recipients.models import Recipient
from tests.faults.support.fault_harness import kill, running, service_process

HOLDERS = 20
TASKS_PER_HOLDER = 3
ESCALATED = 10  # tasks whose holder did not acknowledge: reassigned to the deputy
# The event whose inbox row the test holds: the first replica applies the batch of 50
# before it, then stops there, in the middle of the next.
HELD = 60
RULES_DURABLE = "notify-message-rules-emergency"


def mobile_of(number: int) -> str:
    return f"1380000{number:04d}"


async def replicated_people(database_url: str, people: list[str]) -> None:
    """The recipients replica as the gateway's `auth.user.*` events left it."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Recipient.__table__),
                [
                    {
                        "id": person,
                        "username": f"duty{number}",
                        "display_name": f"值班人员{number}",
                        "roles": ["agent"],
                        "department": "安全保卫处",
                        "active": True,
                        "contacts": [{"channel": "mobile", "address": mobile_of(number)}],
                        "message_preferences": [],
                        "version": 1,
                        "replicated_at": now(),
                    }
                    for number, person in enumerate(people)
                ],
            )
    finally:
        await engine.dispose()


def task_assigned(incident: str, assignee: str, number: int, **extra):
    data = {
        "id": str(uuid.uuid4()),
        "incident_id": incident,
        "incident_title": "机关大院配电室火情",
        "incident_level": "I",
        "action": f"处置步骤 {number}",
        "assignee": assignee,
        "due_at": now().isoformat(),
        **extra,
    }
    return build_event(
        service="emergency",
        short_type="emergency.task.assigned",
        subject=data["id"],
        data=data,
        time=now(),
    )


async def publish_all(nats_url: str, namespace: str, events) -> None:
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, namespace, "emergency")
        for event in events:
            await publish_with_retries(
                js,
                nats_subject(namespace, event.short_type),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": event.id},
            )
    finally:
        await connection.close()


async def rows(engine, query: str) -> list:
    async with engine.connect() as connection:
        return list(await connection.execute(text(query)))


@pytest.mark.timeout(180)
@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_each_holder_and_deputy_is_told_once_through_a_kill_and_two_replicas(
    fresh_database, nats_server_url, event_namespace, token_mint, tmp_path
):
    database_url = await fresh_database(MIGRATIONS)
    holders = [str(uuid.uuid4()) for _ in range(HOLDERS)]
    deputies = [str(uuid.uuid4()) for _ in range(ESCALATED)]
    await replicated_people(database_url, holders + deputies)
    incident = str(uuid.uuid4())
    tasks = [
        task_assigned(incident, holder, number)
        for number in range(TASKS_PER_HOLDER)
        for holder in holders
    ]
    escalations = [
        task_assigned(
            incident,
            deputy,
            number,
            previous_assignee=tasks[number].data["assignee"],
            escalated=True,
        )
        for number, deputy in enumerate(deputies)
    ]
    events = tasks + escalations
    await publish_all(nats_server_url, event_namespace, events)
    told = {(event.id, event.data["assignee"]) for event in events}

    async with receiving() as provider:

        def replica(number: int):
            return service_process(
                "notify",
                directory=tmp_path,
                database_url=database_url,
                nats_url=nats_server_url,
                namespace=event_namespace,
                jwks_url=token_mint.jwks_url,
                name=f"notify-replica-{number}",
                environment="development",  # its jobs on
                sms_url=provider.url,
                quiet_hours="",
                message_interval_seconds=0.2,
            )

        engine = create_async_engine(database_url)
        first = replica(1)
        try:
            async with engine.connect() as holder:
                await holder.execute(
                    insert(inbox).values(
                        consumer=RULES_DURABLE,
                        event_id=events[HELD].id,
                        event_type="emergency.task.assigned",
                        processed_at=now(),
                    )
                )
                first.launch()

                async def stuck_on_the_held_row():
                    waiting = await rows(
                        engine,
                        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO inbox%'",
                    )
                    assert len(waiting) == 1, "the consumer is not waiting on the held row"

                await eventually(stuck_on_the_held_row, timeout=60, interval=0.1)
                await asyncio.to_thread(kill, first)
                await holder.rollback()
            made_before_kill = await rows(engine, "SELECT event_id FROM messages")
            assert 0 < len(made_before_kill) < 2 * len(told)

            async with running(replica(1), replica(2)):

                async def everyone_texted():
                    sent = await rows(
                        engine,
                        "SELECT count(*) FROM messages WHERE channel = 'mobile' "
                        "AND status = 'sent'",
                    )
                    assert sent[0][0] == len(told)

                # What the killed process held comes back after the ack wait (30 s).
                await eventually(everyone_texted, timeout=120, interval=0.5)
            messages = await rows(
                engine, "SELECT id, event_id, recipient_id, channel, address FROM messages"
            )
            inbox_rows = await rows(
                engine, f"SELECT event_id FROM inbox WHERE consumer = '{RULES_DURABLE}'"
            )
            dead = await rows(engine, "SELECT event_id FROM dead_letter")
        finally:
            await asyncio.to_thread(first.stop)
            await engine.dispose()
        received = [orjson.loads(request.body) for request in provider.received]

    by_channel = Counter(channel for _, _, _, channel, _ in messages)
    assert by_channel == {"inbox": len(told), "mobile": len(told)}
    for channel in ("inbox", "mobile"):
        made = Counter((event, person) for _, event, person, kind, _ in messages if kind == channel)
        assert made == dict.fromkeys(told, 1), channel
    texts = {
        message_id: address for message_id, _, _, kind, address in messages if kind == "mobile"
    }
    # Each SMS message reached the provider, by its own id and number; a repeat only ever
    # under the same id.
    assert {body["request_id"] for body in received} == set(texts)
    assert all(body["mobile"] == texts[body["request_id"]] for body in received)
    assert Counter(event for (event,) in inbox_rows) == dict.fromkeys(
        (event.id for event in events), 1
    )
    assert dead == []
