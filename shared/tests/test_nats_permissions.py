"""NATS with a user per process (guanjia_shared.nats_auth), on a nats-server of the test's
own configured as the deployments configure theirs: a service publishes its own events and
reads the streams it consumes; it cannot forge another service's event, touch another
service's stream, read a stream it does not consume or listen to another's replies; a
connection without a user (or with a wrong password) is refused; and `make run` starts its
bundled nats-server so."""

import asyncio
import os
import subprocess

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig

from guanjia_shared.broker import Broker
from guanjia_shared.clock import now
from guanjia_shared.devstack import planned_processes
from guanjia_shared.events import (
    build_event,
    ensure_stream,
    nats_subject,
    stream_name,
    wait_for_stream,
)
from guanjia_shared.nats_auth import SERVICE_USERS, inbox_prefix, published_source
from guanjia_shared.nats_server import free_port, wait_until_reachable
from guanjia_shared.processes import stop_process
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.secured_nats import secured_nats_server
from guanjia_shared.testing.streams import published_events

NAMESPACE = "guanjia"
# A request the server drops for a permission gets no answer: waited for this long.
REFUSED_WITHIN_SECONDS = 1.0


@pytest.fixture
def secured(tmp_path):
    with secured_nats_server(tmp_path, NAMESPACE) as server:
        yield server


class Connection:
    """A connection as `user`, keeping the errors the server sends it."""

    def __init__(self, secured, user):
        self.secured = secured
        self.user = user
        self.errors: list[Exception] = []
        self.client = None

    async def __aenter__(self):
        async def keep(error):
            self.errors.append(error)

        self.client = await nats.connect(
            self.secured.url,
            user=self.user,
            password=self.secured.passwords[self.user],
            inbox_prefix=inbox_prefix(self.user),
            error_cb=keep,
            allow_reconnect=False,
        )
        return self

    async def __aexit__(self, *exc_info):
        await self.client.close()

    @property
    def js(self):
        return self.client.jetstream()

    @property
    def js_refused(self):
        """For a JetStream request that is to be refused: its answer is waited for briefly."""
        return self.client.jetstream(timeout=REFUSED_WITHIN_SECONDS)

    async def refused(self, subject_part: str) -> bool:
        """Whether the server reports a permissions violation naming `subject_part` (it
        reports it apart from the request, so it is waited for)."""
        await self.client.flush()

        async def reported():
            assert any(
                "permissions violation" in str(e).lower() and subject_part.lower() in str(e).lower()
                for e in self.errors
            ), self.errors

        await eventually(reported, timeout=5)
        return True


async def cannot_change(connection: Connection, stream: str) -> None:
    """`connection`'s user reads `stream` (its info) but may not change, purge or delete it:
    events kept for a second would be gone before the other consumers read them."""
    info = await connection.js.stream_info(stream)
    with pytest.raises(nats.errors.TimeoutError):
        await connection.js_refused.update_stream(
            StreamConfig(name=stream, subjects=info.config.subjects, max_age=1)
        )
    with pytest.raises(nats.errors.TimeoutError):
        await connection.js_refused.purge_stream(stream)
    with pytest.raises(nats.errors.TimeoutError):
        await connection.js_refused.delete_stream(stream)
    for action in ("UPDATE", "PURGE", "DELETE"):
        assert await connection.refused(f"STREAM.{action}.{stream}")


def event(short_type, **data):
    return build_event(
        service=short_type.split(".")[0], short_type=short_type, subject=None, data=data, time=now()
    )


async def publish(js, short_type, **data):
    made = event(short_type, **data)
    return await js.publish(
        nats_subject(NAMESPACE, short_type),
        made.model_dump_json().encode(),
        headers={"Nats-Msg-Id": made.id},
        timeout=REFUSED_WITHIN_SECONDS,
    )


@pytest.mark.parametrize("service", SERVICE_USERS)
async def test_a_service_makes_its_stream_and_publishes_its_own_events_as_its_relay_does(
    secured, service
):
    broker = Broker(
        secured.url,
        name=service,
        user=service,
        password=secured.settings_of(service)["nats_password"],
    )
    source = published_source(service)
    broker.start()
    try:
        await asyncio.wait_for(broker.wait_connected(), 10)
        await ensure_stream(broker.jetstream, NAMESPACE, source)
        await ensure_stream(broker.jetstream, NAMESPACE, source)  # and brings it to its config
        ack = await publish(broker.jetstream, f"{source}.thing.done", n=1)
        assert ack.stream == stream_name(NAMESPACE, source)
    finally:
        await broker.close()
    [published] = await published_events(secured.tooling_url, NAMESPACE, source)
    assert published.short_type == f"{source}.thing.done"


async def test_a_service_cannot_publish_another_services_event(secured):
    async with Connection(secured, "asset") as asset:
        await ensure_stream(asset.js, NAMESPACE, "asset")
    async with Connection(secured, "ticket") as ticket:
        await ensure_stream(ticket.js, NAMESPACE, "ticket")
        # A unit that would land in every replica, from a service that does not own units.
        with pytest.raises(nats.errors.TimeoutError):
            await publish(ticket.js, "asset.unit.created", id="forged", name="伪造单位")
        # Nor as a plain publish past JetStream's acknowledgement.
        await ticket.client.publish(nats_subject(NAMESPACE, "asset.unit.updated"), b"{}")
        assert await ticket.refused(f'"{NAMESPACE}.asset.unit.created"')
        assert await ticket.refused(f'"{NAMESPACE}.asset.unit.updated"')
    async with Connection(secured, "ledger") as ledger:
        # A closed ticket that asset-svc would record as a repair.
        with pytest.raises(nats.errors.TimeoutError):
            await publish(ledger.js, "ticket.ticket.closed", id="forged")
        assert await ledger.refused(f'"{NAMESPACE}.ticket.ticket.closed"')
    assert await published_events(secured.tooling_url, NAMESPACE, "asset") == []
    assert await published_events(secured.tooling_url, NAMESPACE, "ticket") == []


async def test_a_service_cannot_make_change_or_delete_another_services_stream(secured):
    async with Connection(secured, "ticket") as ticket:
        # Made first under the owner's name, it would take the owner's events on its terms.
        with pytest.raises(nats.errors.TimeoutError):
            await ticket.js_refused.add_stream(
                StreamConfig(name=stream_name(NAMESPACE, "asset"), subjects=[f"{NAMESPACE}.>"])
            )
        assert await ticket.refused(f"STREAM.CREATE.{stream_name(NAMESPACE, 'asset')}")
    async with Connection(secured, "asset") as asset:
        await ensure_stream(asset.js, NAMESPACE, "asset")
        await publish(asset.js, "asset.unit.created", id="u1", name="市财政局")
    async with Connection(secured, "ticket") as ticket:
        asset_stream = stream_name(NAMESPACE, "asset")
        await cannot_change(ticket, asset_stream)
    [kept] = await published_events(secured.tooling_url, NAMESPACE, "asset")
    assert kept.data["id"] == "u1"


async def test_a_service_reads_and_acknowledges_what_it_consumes_and_nothing_else(secured):
    async with Connection(secured, "asset") as asset:
        await ensure_stream(asset.js, NAMESPACE, "asset")
        await publish(asset.js, "asset.unit.created", id="u1", name="市财政局")
    async with Connection(secured, "ticket") as ticket:
        await ensure_stream(ticket.js, NAMESPACE, "ticket")
        await publish(ticket.js, "ticket.ticket.closed", id="t1")

    # ticket-svc consumes asset's units, as its replica consumer does.
    async with Connection(secured, "ticket") as ticket:
        pull = await ticket.js.pull_subscribe(
            f"{NAMESPACE}.asset.unit.>",
            durable="ticket-unit-replica",
            stream=stream_name(NAMESPACE, "asset"),
        )
        [message] = await pull.fetch(1, timeout=5)
        await message.ack_sync(timeout=5)
        assert ticket.errors == []

    # emergency-svc consumes no ticket event: no consumer on that stream, no fetch from one.
    ticket_stream = stream_name(NAMESPACE, "ticket")
    async with Connection(secured, "emergency") as emergency:
        with pytest.raises(nats.errors.TimeoutError):
            await emergency.js_refused.add_consumer(
                ticket_stream, ConsumerConfig(durable_name="emergency-tickets")
            )
        assert await emergency.refused(f"CREATE.{ticket_stream}")
    async with Connection(secured, "asset") as asset:
        pull = await asset.js.pull_subscribe(
            f"{NAMESPACE}.ticket.ticket.closed", durable="asset-repairs", stream=ticket_stream
        )
    async with Connection(secured, "emergency") as emergency:
        # Not even from a consumer another service made on it.
        await emergency.client.publish(
            f"$JS.API.CONSUMER.MSG.NEXT.{ticket_stream}.asset-repairs",
            b'{"batch": 1}',
            reply=f"{inbox_prefix('emergency')}.steal",
        )
        assert await emergency.refused(f"CONSUMER.MSG.NEXT.{ticket_stream}")

    async with await nats.connect(secured.tooling_url) as tooling:
        info = await tooling.jetstream().consumer_info(
            stream_name(NAMESPACE, "asset"), "ticket-unit-replica"
        )
        assert info.ack_floor.stream_seq == 1 and info.num_ack_pending == 0
        repairs = await tooling.jetstream().consumer_info(ticket_stream, "asset-repairs")
        assert repairs.delivered.stream_seq == 0


async def test_notify_reads_ticket_events_publishes_its_own_and_touches_nothing_else(secured):
    """notify-svc consumes ticket-svc's ticket events (its webhooks' source) and every other
    service's (its message rules' sources), and publishes `notify.subscription.paused` on its
    own stream; it may not forge another service's event, or change a stream it reads; no
    other service may forge its events."""
    ticket_stream = stream_name(NAMESPACE, "ticket")
    notify_stream = stream_name(NAMESPACE, "notify")
    async with Connection(secured, "asset") as asset:
        await ensure_stream(asset.js, NAMESPACE, "asset")
        await publish(asset.js, "asset.unit.created", id="u1", name="市财政局")
    async with Connection(secured, "emergency") as emergency:
        await ensure_stream(emergency.js, NAMESPACE, "emergency")
        await publish(emergency.js, "emergency.incident.activated", id="i1")
    async with Connection(secured, "ticket") as ticket:
        await ensure_stream(ticket.js, NAMESPACE, "ticket")
        await publish(ticket.js, "ticket.ticket.created", id="t1")

    # Its webhook consumer, as guanjia_shared.consumer makes it: the ticket stream is
    # ticket-svc's to make, so it waits for it, then pulls and acknowledges.
    async with Connection(secured, "notify") as notify:
        await asyncio.wait_for(wait_for_stream(notify.js, NAMESPACE, "ticket"), 5)
        pull = await notify.js.pull_subscribe(
            f"{NAMESPACE}.ticket.ticket.>",
            durable="notify-notify-webhooks-tickets",
            stream=ticket_stream,
            config=ConsumerConfig(
                durable_name="notify-notify-webhooks-tickets",
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                filter_subject=f"{NAMESPACE}.ticket.ticket.>",
            ),
        )
        [message] = await pull.fetch(1, timeout=5)
        await message.ack_sync(timeout=5)
        # Its own stream and events: a subscription paused after its endpoint failed.
        await ensure_stream(notify.js, NAMESPACE, "notify")
        ack = await publish(notify.js, "notify.subscription.paused", id="s1")
        assert ack.stream == notify_stream
        assert notify.errors == []

    async with Connection(secured, "notify") as notify:
        # No other service's event: a closed ticket asset-svc would record as a repair.
        with pytest.raises(nats.errors.TimeoutError):
            await publish(notify.js, "ticket.ticket.closed", id="forged")
        await notify.client.publish(nats_subject(NAMESPACE, "asset.unit.created"), b"{}")
        assert await notify.refused(f'"{NAMESPACE}.ticket.ticket.closed"')
        assert await notify.refused(f'"{NAMESPACE}.asset.unit.created"')
        # The other streams its rules read, as its consumers read them.
        emergency_stream = stream_name(NAMESPACE, "emergency")
        pull = await notify.js.pull_subscribe(
            f"{NAMESPACE}.emergency.>",
            durable="notify-notify-message-rules-emergency",
            stream=emergency_stream,
        )
        [message] = await pull.fetch(1, timeout=5)
        assert message.subject == nats_subject(NAMESPACE, "emergency.incident.activated")
        await message.ack_sync(timeout=5)
        # The streams it reads stay their services': no change, purge or deletion.
        for read in (ticket_stream, emergency_stream):
            await cannot_change(notify, read)

    # Nor may another service forge notify-svc's event, or change its stream.
    async with Connection(secured, "ticket") as ticket:
        with pytest.raises(nats.errors.TimeoutError):
            await publish(ticket.js, "notify.subscription.paused", id="forged")
        assert await ticket.refused(f'"{NAMESPACE}.notify.subscription.paused"')
        with pytest.raises(nats.errors.TimeoutError):
            await ticket.js_refused.delete_stream(notify_stream)
        assert await ticket.refused(f"STREAM.DELETE.{notify_stream}")

    async with await nats.connect(secured.tooling_url) as tooling:
        consumer = await tooling.jetstream().consumer_info(
            ticket_stream, "notify-notify-webhooks-tickets"
        )
        assert consumer.ack_floor.stream_seq == 1 and consumer.num_ack_pending == 0
    [paused] = await published_events(secured.tooling_url, NAMESPACE, "notify")
    assert paused.short_type == "notify.subscription.paused"
    assert paused.data["id"] == "s1"
    [created] = await published_events(secured.tooling_url, NAMESPACE, "ticket")
    assert created.short_type == "ticket.ticket.created"
    assert len(await published_events(secured.tooling_url, NAMESPACE, "asset")) == 1


async def test_a_service_cannot_listen_to_events_or_to_another_services_replies(secured):
    async with Connection(secured, "ticket") as ticket:
        await ticket.client.subscribe(f"{NAMESPACE}.>")
        await ticket.client.subscribe(f"{inbox_prefix('asset')}.>")
        await ticket.client.subscribe("_INBOX.>")
        assert await ticket.refused(f'"{NAMESPACE}.>"')
        assert await ticket.refused(f'"{inbox_prefix("asset")}.>"')
        assert await ticket.refused('"_INBOX.>"')


@pytest.mark.parametrize("credentials", [{}, {"user": "asset", "password": "wrong"}])
async def test_a_connection_without_a_user_or_with_a_wrong_password_is_refused(
    secured, credentials
):
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        await nats.connect(secured.url, allow_reconnect=False, connect_timeout=5, **credentials)


async def test_make_run_starts_its_nats_with_a_user_per_process_and_keeps_their_passwords(
    tmp_path,
):
    url = f"nats://127.0.0.1:{free_port()}"
    nats_process, *apps = planned_processes(url, True, tmp_path)
    assert nats_process.name == "nats"
    server = subprocess.Popen(
        nats_process.command,
        env={**os.environ, **nats_process.environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_reachable(url)
        assert {app.name for app in apps} == set(SERVICE_USERS)
        for app in apps:
            prefix = f"GUANJIA_{app.name.upper()}_"
            assert app.environment[f"{prefix}NATS_USER"] == app.name
            connection = await nats.connect(
                url,
                user=app.name,
                password=app.environment[f"{prefix}NATS_PASSWORD"],
                inbox_prefix=inbox_prefix(app.name),
                allow_reconnect=False,
            )
            await ensure_stream(connection.jetstream(), NAMESPACE, published_source(app.name))
            await connection.close()
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            await nats.connect(url, allow_reconnect=False, connect_timeout=5)
    finally:
        stop_process(server)
    # The passwords are the owner's alone, and the same on the next `make run`.
    passwords = tmp_path / "nats-passwords.json"
    assert passwords.stat().st_mode & 0o077 == 0
    again = planned_processes(url, True, tmp_path)
    assert [p.environment for p in again] == [
        nats_process.environment,
        *(a.environment for a in apps),
    ]
    # A NATS that was already there (the machine's own) is used as it is: no credentials.
    for app in planned_processes(url, False, tmp_path):
        assert not any(name.endswith("NATS_PASSWORD") for name in app.environment)
