"""The four services on a NATS that asks each for its own user (guanjia_shared.nats_auth),
as the deployments run it: every subscription of every service gets its durable consumer
under its service's permissions and events flow (a unit made in asset-svc reaches
ticket-svc's replica), while a unit forged by another service's user or by a connection
without a user never reaches it."""

import contextlib
import uuid

import nats
import pytest
from nats.js.errors import NotFoundError

from asset_svc.config import Settings as AssetSettings
from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from asset_svc.main import create_app as create_asset_app
from emergency_svc.config import Settings as EmergencySettings
from emergency_svc.database import MIGRATIONS as EMERGENCY_MIGRATIONS
from emergency_svc.main import create_app as create_emergency_app
from guanjia_shared.events import nats_subject, service_of, stream_name
from guanjia_shared.nats_auth import EVENT_SOURCES, inbox_prefix
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.replica_checks import unit_event
from guanjia_shared.testing.secured_nats import secured_nats_server
from ledger_svc.config import Settings as LedgerSettings
from ledger_svc.database import MIGRATIONS as LEDGER_MIGRATIONS
from ledger_svc.main import create_app as create_ledger_app
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.database import MIGRATIONS as TICKET_MIGRATIONS
from ticket_svc.main import create_app as create_ticket_app

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True),
]

SERVICES = {
    "asset": (create_asset_app, AssetSettings, ASSET_MIGRATIONS),
    "ticket": (create_ticket_app, TicketSettings, TICKET_MIGRATIONS),
    "ledger": (create_ledger_app, LedgerSettings, LEDGER_MIGRATIONS),
    "emergency": (create_emergency_app, EmergencySettings, EMERGENCY_MIGRATIONS),
}


async def forge_as(secured, user, event):
    """Publish `event` as `user` would have to; answers the server's complaints."""
    complaints = []

    async def keep(error):
        complaints.append(str(error))

    connection = await nats.connect(
        secured.url,
        user=user,
        password=secured.passwords[user],
        inbox_prefix=inbox_prefix(user),
        error_cb=keep,
        allow_reconnect=False,
    )
    try:
        with pytest.raises(nats.errors.TimeoutError):
            await connection.jetstream().publish(
                nats_subject(secured.namespace, event.short_type),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": event.id},
                timeout=1,
            )
        await connection.flush()
    finally:
        await connection.close()
    return complaints


async def test_services_work_under_their_own_users_and_no_one_forges_their_events(
    service_factory, event_namespace, token_mint, tmp_path
):
    with secured_nats_server(tmp_path / "nats", event_namespace) as secured:
        async with contextlib.AsyncExitStack() as stack:
            running = {
                service: await stack.enter_async_context(
                    service_factory(*app, **secured.settings_of(service))
                )
                for service, app in SERVICES.items()
            }
            tooling = await nats.connect(secured.tooling_url)
            js = tooling.jetstream()

            # Each subscription reads a stream its service may read, and got its consumer.
            async def every_consumer_made():
                for service, started in running.items():
                    # Every service consumes another's events (or its own): none is idle.
                    assert started.app.state.consumers, f"{service} runs no consumer"
                    for consumer in started.app.state.consumers:
                        source = service_of(consumer.subscription.filter)
                        assert source in EVENT_SOURCES[service], consumer.durable
                        try:
                            await js.consumer_info(
                                stream_name(event_namespace, source), consumer.durable
                            )
                        except NotFoundError as missing:
                            raise AssertionError(f"no {consumer.durable} yet") from missing

            await eventually(every_consumer_made, timeout=30)
            for service, started in running.items():
                ready = await started.client.get("/readyz")
                assert ready.status_code == 200, (service, ready.text)

            admin = token_mint.headers("admin")
            asset, ticket = running["asset"].client, running["ticket"].client

            async def unit_in_ticket(unit_id):
                answer = await ticket.get(f"/api/v1/ticket/units/{unit_id}", headers=admin)
                assert answer.status_code == 200, answer.text
                return answer.json()

            made = await asset.post(
                "/api/v1/asset/units",
                json={"code": f"U{uuid.uuid4().hex[:8]}", "name": "市财政局", "level": "municipal"},
                headers=admin,
            )
            assert made.status_code == 201, made.text
            await eventually(lambda: unit_in_ticket(made.json()["id"]))

            # Forged units: as ledger-svc's user (a compromised service), and with no user.
            forged = unit_event("created", str(uuid.uuid4()), version=1, name="伪造单位")
            complaints = await forge_as(secured, "ledger", forged)
            assert any("permissions violation" in c.lower() for c in complaints), complaints
            with pytest.raises(nats.errors.Error, match="Authorization Violation"):
                await nats.connect(secured.url, allow_reconnect=False, connect_timeout=5)

            # A unit made after them arrives; in stream order, so would a forged one have.
            marker = await asset.post(
                "/api/v1/asset/units",
                json={"code": f"U{uuid.uuid4().hex[:8]}", "name": "标记", "level": "municipal"},
                headers=admin,
            )
            await eventually(lambda: unit_in_ticket(marker.json()["id"]))
            missing = await ticket.get(f"/api/v1/ticket/units/{forged.subject}", headers=admin)
            assert missing.status_code == 404
            await tooling.close()
