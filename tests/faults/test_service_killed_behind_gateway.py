"""A service killed behind the gateway: asset-svc, a real process, is SIGKILLed. The
gateway answers 503 problem+json for each call while it counts the failures, and from the
threshold on refuses at once (the breaker is open) without trying the dead service; once
the service is started again, the probe after the cool-down gets through and closes it.
The breaker's clock is moved by hand: the cool-down passes when the test says so."""

import asyncio

import pytest

from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from gateway.config import Settings
from gateway.database import MIGRATIONS as GATEWAY_MIGRATIONS
from gateway.testing.harness import ADMIN_PASSWORD, running_gateway, write_signing_key
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.clocks import HandClock
from tests.faults.support.fault_harness import READY_TIMEOUT_SECONDS, kill, service_process

UNITS = "/api/v1/asset/units"
THRESHOLD = 3
COOLDOWN_SECONDS = 30


def assert_problem(answer, slug: str) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json()["type"] == f"urn:guanjia:problem:{slug}"
    assert answer.json()["service"] == "asset"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_the_breaker_opens_at_its_threshold_when_a_service_dies_and_closes_when_it_is_back(
    fresh_database, nats_server_url, event_namespace, tmp_path
):
    write_signing_key(tmp_path / "signing-key.pem")
    gateway_port = free_port()
    asset = service_process(
        "asset",
        directory=tmp_path,
        database_url=await fresh_database(ASSET_MIGRATIONS),
        nats_url=nats_server_url,
        namespace=event_namespace,
        jwks_url=f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
    )
    settings = Settings(
        environment="test",
        port=gateway_port,
        database_url=await fresh_database(GATEWAY_MIGRATIONS),
        migrate_on_start=False,
        nats_url=nats_server_url,
        event_namespace=event_namespace,
        data_dir=tmp_path / "data",
        signing_key_file=tmp_path / "signing-key.pem",
        log_json=False,
        GUANJIA_ADMIN_PASSWORD=ADMIN_PASSWORD,
        asset_url=asset.url,
        breaker_failure_threshold=THRESHOLD,
        breaker_cooldown_seconds=COOLDOWN_SECONDS,
        rate_limit_per_second=1000,
        rate_limit_burst=1000,
    )
    try:
        await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)
        async with running_gateway(settings) as gateway:
            clock = HandClock()
            gateway.app.state.upstreams["asset"].breaker.clock = clock.seconds
            admin = await gateway.headers()
            made = await gateway.client.post(
                UNITS,
                json={"code": "U001", "name": "市财政局", "level": "municipal"},
                headers=admin,
            )
            assert made.status_code == 201, made.text

            await asyncio.to_thread(kill, asset)
            for _ in range(THRESHOLD):
                assert_problem(
                    await gateway.client.get(UNITS, headers=admin), "upstream-unavailable"
                )
            for _ in range(3):
                refused = await gateway.client.get(UNITS, headers=admin)
                assert_problem(refused, "circuit-open")
                assert int(refused.headers["retry-after"]) == COOLDOWN_SECONDS

            await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)
            # Until the cool-down has passed the gateway keeps refusing, the service back
            # or not; then one probe finds it back and closes the breaker.
            clock.advance(COOLDOWN_SECONDS - 1)
            assert_problem(await gateway.client.get(UNITS, headers=admin), "circuit-open")
            clock.advance(1)
            probe = await gateway.client.get(UNITS, headers=admin)
            assert probe.status_code == 200, probe.text
            assert probe.json()["total"] == 1  # the same service, its data intact
            for _ in range(THRESHOLD + 1):
                assert (await gateway.client.get(UNITS, headers=admin)).status_code == 200
    finally:
        await asyncio.to_thread(asset.stop)
