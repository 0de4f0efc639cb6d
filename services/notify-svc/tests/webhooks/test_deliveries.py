"""Deliveries end to end: ticket events over real NATS, the sender POSTing to a real HTTP
server on loopback, the clock moved by hand between its tries."""

import asyncio
import json
import uuid

import pytest

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from guanjia_shared.testing.streams import published_events
from notify_svc.webhooks.jobs import run_deliveries
from notify_svc.webhooks.signing import SIGNATURE_HEADER, verify

SUBSCRIPTIONS = "/api/v1/notify/subscriptions"
DELIVERIES = "/api/v1/notify/deliveries"


@pytest.fixture
async def notify(service_factory, service_under_test, clock):
    """notify-svc whose sender runs only when a test runs it (its own tick an hour away)."""
    async with service_factory(
        *service_under_test,
        delivery_interval_seconds=3600,
        delivery_first_retry_seconds=10,
        delivery_max_retry_seconds=600,
        delivery_give_up_hours=1,
    ) as service:
        yield service


def ticket_event(kind, ticket_id, *, unit="unit-a", channel="hotline", status="new"):
    return build_event(
        service="ticket",
        short_type=f"ticket.ticket.{kind}",
        subject=ticket_id,
        data={
            "id": ticket_id,
            "title": "三楼会议室空调不制冷",
            "status": status,
            "department": "物业",
            "channel": channel,
            "requester_unit_id": unit,
        },
        time=now(),
    )


async def subscribe(client, headers, receiver, **changes):
    body = {
        "name": "12345 热线平台",
        "callback_url": receiver.url,
        "event_types": [
            "ticket.ticket.created",
            "ticket.ticket.taken",
            "ticket.ticket.resolved",
            "ticket.ticket.closed",
        ],
        **changes,
    }
    answer = await client.post(SUBSCRIPTIONS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def deliveries_recorded(client, headers, expected, **params):
    async def check():
        answer = await client.get(DELIVERIES, params={"limit": 500, **params}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == expected, answer.json()
        return answer.json()["items"]

    return await eventually(check)


def sent_events(receiver):
    return [json.loads(request.body) for request in receiver.received]


async def test_a_hotline_client_receives_its_units_tickets_changes_in_order_signed(
    notify, token_mint, publish
):
    hotline = token_mint.headers("integration", sub="client-hotline", unit_id="unit-a")
    async with receiving() as receiver:
        subscription = await subscribe(
            notify.client, hotline, receiver, filter={"channel": "hotline"}
        )
        ours, another_units, by_phone = (str(uuid.uuid4()) for _ in range(3))
        await publish(
            ticket_event("created", ours),
            ticket_event("created", another_units, unit="unit-b"),
            ticket_event("created", by_phone, channel="phone"),
            ticket_event("taken", ours, status="in_progress"),
            ticket_event("resolved", ours, status="resolved"),
            ticket_event("reopened", ours, status="in_progress"),  # not followed
            ticket_event("closed", ours, status="closed"),
        )
        await deliveries_recorded(notify.client, hotline, 4)

        assert await run_deliveries(notify.session_factory, notify.settings) == 4

    events = sent_events(receiver)
    assert [(event["type"], event["subject"]) for event in events] == [
        (f"gov.guanjia.ticket.ticket.{kind}.v1", ours)
        for kind in ("created", "taken", "resolved", "closed")
    ]
    log = await deliveries_recorded(notify.client, hotline, 4)
    by_id = {delivery["id"]: delivery for delivery in log}
    for request in receiver.received:
        assert verify(
            request.headers[SIGNATURE_HEADER.lower()], subscription["secret"], request.body
        )
        assert not verify(request.headers[SIGNATURE_HEADER.lower()], "whsec_wrong", request.body)
        assert request.headers["content-type"].startswith("application/cloudevents+json")
        delivery = by_id[request.headers["webhook-id"]]
        assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
            "delivered",
            1,
            204,
        )
    # Another client reads none of it, and cannot have it sent again.
    other = token_mint.headers("integration", sub="client-other", unit_id="unit-b")
    assert (await notify.client.get(DELIVERIES, headers=other)).json()["total"] == 0
    some = log[0]["id"]
    assert (await notify.client.get(f"{DELIVERIES}/{some}", headers=other)).status_code == 404
    refused = await notify.client.post(f"{DELIVERIES}/{some}/redeliver", headers=other)
    assert refused.status_code == 404
    assert (await notify.client.get(f"{DELIVERIES}/{some}", headers=hotline)).json()[
        "status"
    ] == "delivered"


async def test_an_endpoint_failing_three_times_then_back_gets_each_event_once_in_order(
    notify, token_mint, publish, clock
):
    admin = token_mint.headers("admin")
    ticket = str(uuid.uuid4())
    async with receiving(500, 503, 500) as receiver:
        subscription = await subscribe(notify.client, admin, receiver)
        await publish(ticket_event("created", ticket), ticket_event("taken", ticket))
        await deliveries_recorded(notify.client, admin, 2)

        # Each failure waits twice as long as the one before; the later event waits its turn.
        assert await run_deliveries(notify.session_factory, notify.settings) == 1
        assert await run_deliveries(notify.session_factory, notify.settings) == 0
        for wait in (10, 20):
            clock.advance(wait - 1)
            assert await run_deliveries(notify.session_factory, notify.settings) == 0
            clock.advance(1)
            assert await run_deliveries(notify.session_factory, notify.settings) == 1
        clock.advance(40)
        assert await run_deliveries(notify.session_factory, notify.settings) == 2

    kinds = [event["type"].split(".")[-2] for event in sent_events(receiver)]
    assert kinds == ["created", "created", "created", "created", "taken"]
    attempts = [
        (request.headers["webhook-id"], request.headers["webhook-attempt"])
        for request in receiver.received
    ]
    assert len({delivery_id for delivery_id, _ in attempts[:4]}) == 1
    assert [attempt for _, attempt in attempts] == ["1", "2", "3", "4", "1"]
    for request in receiver.received:
        assert verify(
            request.headers[SIGNATURE_HEADER.lower()], subscription["secret"], request.body
        )
    log = await deliveries_recorded(notify.client, admin, 2)
    assert sorted((d["event_type"], d["status"], d["attempts"]) for d in log) == [
        ("ticket.ticket.created", "delivered", 4),
        ("ticket.ticket.taken", "delivered", 1),
    ]


async def test_an_endpoint_down_for_the_whole_window_pauses_its_subscription_until_resumed(
    notify, token_mint, publish, clock, nats_server_url, event_namespace
):
    admin = token_mint.headers("admin")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    async with receiving(*[500] * 20) as receiver:
        subscription = await subscribe(notify.client, admin, receiver)
        await publish(ticket_event("created", first))
        await deliveries_recorded(notify.client, admin, 1)
        await run_deliveries(notify.session_factory, notify.settings)
        for _ in range(6):  # 10 s, 20 s ... capped at 600 s: an hour of failures
            clock.advance(600)
            await run_deliveries(notify.session_factory, notify.settings)

        [dead] = await deliveries_recorded(notify.client, admin, 1, status="dead")
        assert dead["last_status_code"] == 500
        paused = await notify.client.get(f"{SUBSCRIPTIONS}/{subscription['id']}", headers=admin)
        assert paused.json()["status"] == "paused"
        assert dead["id"] in paused.json()["paused_reason"]

        async def owner_told():
            events = await published_events(nats_server_url, event_namespace, "notify")
            assert [(e.short_type, e.subject) for e in events] == [
                ("notify.subscription.paused", subscription["id"])
            ]

        await eventually(owner_told)

        # Paused, it is still owed what happens, and sends nothing.
        await publish(ticket_event("created", second))
        await deliveries_recorded(notify.client, admin, 1, status="pending")
        tried = len(receiver.received)
        clock.advance(3600)
        assert await run_deliveries(notify.session_factory, notify.settings) == 0
        assert len(receiver.received) == tried

        receiver.answers.clear()  # the endpoint is back
        resumed = await notify.client.patch(
            f"{SUBSCRIPTIONS}/{subscription['id']}", json={"status": "active"}, headers=admin
        )
        assert resumed.json()["status"] == "active" and resumed.json()["paused_reason"] is None
        assert await run_deliveries(notify.session_factory, notify.settings) == 1
        again = await notify.client.post(f"{DELIVERIES}/{dead['id']}/redeliver", headers=admin)
        assert again.status_code == 200, again.text
        assert await run_deliveries(notify.session_factory, notify.settings) == 1

    assert [event["subject"] for event in sent_events(receiver)[-2:]] == [second, first]
    delivered = await deliveries_recorded(notify.client, admin, 2, status="delivered")
    assert {d["subject"] for d in delivered} == {first, second}


async def test_after_a_rotation_both_secrets_sign_for_a_day_then_only_the_new(
    notify, token_mint, publish, clock
):
    admin = token_mint.headers("admin")
    async with receiving() as receiver:
        subscription = await subscribe(notify.client, admin, receiver)
        rotated = await notify.client.post(
            f"{SUBSCRIPTIONS}/{subscription['id']}/rotate-secret", headers=admin
        )
        new_secret = rotated.json()["secret"]
        await publish(ticket_event("created", str(uuid.uuid4())))
        await deliveries_recorded(notify.client, admin, 1)
        await run_deliveries(notify.session_factory, notify.settings)
        clock.advance(24 * 3600 + 1)
        await publish(ticket_event("created", str(uuid.uuid4())))
        await deliveries_recorded(notify.client, admin, 2)
        await run_deliveries(notify.session_factory, notify.settings)

    during, after = receiver.received
    for secret in (new_secret, subscription["secret"]):
        assert verify(during.headers[SIGNATURE_HEADER.lower()], secret, during.body)
    assert verify(after.headers[SIGNATURE_HEADER.lower()], new_secret, after.body)
    assert not verify(after.headers[SIGNATURE_HEADER.lower()], subscription["secret"], after.body)


async def test_two_senders_at_once_send_each_delivery_once(notify, token_mint, publish):
    """Two replicas' senders ticking together take disjoint deliveries."""
    admin = token_mint.headers("admin")
    tickets = [str(uuid.uuid4()) for _ in range(20)]
    async with receiving() as receiver:
        await subscribe(notify.client, admin, receiver)
        await publish(*(ticket_event("created", ticket) for ticket in tickets))
        await deliveries_recorded(notify.client, admin, 20)
        first, second = await asyncio.gather(
            run_deliveries(notify.session_factory, notify.settings),
            run_deliveries(notify.session_factory, notify.settings),
        )

    assert first + second == 20
    assert sorted(event["subject"] for event in sent_events(receiver)) == sorted(tickets)
    delivered = await deliveries_recorded(notify.client, admin, 20, status="delivered")
    assert {d["attempts"] for d in delivered} == {1}
