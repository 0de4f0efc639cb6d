"""The whole platform as a front-end app meets it: the gateway in front of all five real
services, each in its own process with its own database, events over real NATS."""

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.proxy.routing import SERVICES
from gateway.testing.harness import ServiceProcess, write_signing_key
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import delete_namespace_streams

# Each test's unit has a code of its own: the services (and what they replicated) are shared.
UNIT_NUMBERS = itertools.count(1)


@dataclass
class Platform:
    """The five services, started once for this module's tests (per xdist worker): each
    test puts a gateway of its own (its own database) in front of them, on the port and with
    the signing key whose JWKS the services were pointed at."""

    processes: dict[str, ServiceProcess]
    gateway_port: int
    signing_key_file: Path


@pytest.fixture(scope="module")
def platform(tmp_path_factory, nats_server_url) -> Iterator[Platform]:
    directory = tmp_path_factory.mktemp("platform")
    namespace = f"t{uuid.uuid4().hex[:12]}"
    gateway_port = free_port()
    signing_key_file = directory / "signing-key.pem"
    write_signing_key(signing_key_file)
    processes = {
        service: ServiceProcess.real_service(
            service,
            directory=directory,
            nats_url=nats_server_url,
            namespace=namespace,
            jwks_url=f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
        )
        for service in SERVICES
    }
    with contextlib.ExitStack() as stack:
        for process in processes.values():
            process.launch()
            stack.callback(process.stop)
        for process in processes.values():
            process.wait_until_ready()
        yield Platform(processes, gateway_port, signing_key_file)
    asyncio.run(delete_namespace_streams(nats_server_url, namespace))


@pytest.fixture
async def gateway_in_front(start_gateway, platform):
    urls = {f"{service}_url": process.url for service, process in platform.processes.items()}
    async with start_gateway(
        port=platform.gateway_port, signing_key_file=platform.signing_key_file, **urls
    ) as gateway:
        yield gateway


async def test_a_unit_created_in_asset_svc_reaches_every_other_service(gateway_in_front):
    gateway = gateway_in_front
    admin = await gateway.headers()
    created = await gateway.client.post(
        "/api/v1/asset/units",
        json={
            "code": f"410100-{next(UNIT_NUMBERS):02d}",
            "name": "市机关事务管理局",
            "level": "municipal",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    unit_id = created.json()["id"]
    agent = await gateway.create_user(admin, "agent")
    agent_headers = await gateway.headers(agent["username"], agent["password"])

    for service in ("ticket", "ledger", "emergency"):

        async def replicated(service=service):
            answer = await gateway.client.get(
                f"/api/v1/{service}/units/{unit_id}", headers=agent_headers
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["name"] == "市机关事务管理局"

        await eventually(replicated, timeout=30)

    renamed = await gateway.client.patch(
        f"/api/v1/asset/units/{unit_id}",
        json={"name": "市机关事务服务中心"},
        headers={**admin, "If-Match": created.headers["etag"]},
    )
    assert renamed.status_code == 200

    async def renamed_in_ticket_svc():
        answer = await gateway.client.get(f"/api/v1/ticket/units/{unit_id}", headers=agent_headers)
        assert answer.json()["name"] == "市机关事务服务中心"
        assert answer.json()["version"] == 2

    await eventually(renamed_in_ticket_svc, timeout=30)


async def test_each_service_answers_its_first_list_through_the_gateway(gateway_in_front):
    gateway = gateway_in_front
    admin = await gateway.headers()
    staff = await gateway.create_user(admin, "unit_staff", unit_id="some-unit")
    staff_headers = await gateway.headers(staff["username"], staff["password"])
    agent = await gateway.create_user(admin, "agent", department="综合处")
    agent_headers = await gateway.headers(agent["username"], agent["password"])
    # The requesting units see their tickets; the ledger and the emergency plans are the
    # bureau's own business.
    lists = (
        ("/api/v1/ticket/tickets", staff_headers),
        ("/api/v1/ledger/plans", agent_headers),
        ("/api/v1/emergency/plans", agent_headers),
    )
    for path, headers in lists:
        answer = await gateway.client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        assert set(answer.json()) == {"items", "total"}
        assert answer.json()["total"] == len(answer.json()["items"])
        assert (await gateway.client.get(path)).status_code == 401
    ledger_for_staff = await gateway.client.get("/api/v1/ledger/plans", headers=staff_headers)
    assert ledger_for_staff.status_code == 403
    public = await gateway.client.get("/public/v1/commitments")
    assert public.status_code == 200
    assert public.json() == {"items": [], "total": 0}


async def test_the_gateway_is_ready_when_every_service_is(gateway_in_front):
    async def ready():
        answer = await gateway_in_front.client.get("/readyz")
        assert answer.status_code == 200, answer.text

    await eventually(ready, timeout=30)
    schema = (await gateway_in_front.client.get("/openapi.json")).json()
    for path in (
        "/api/v1/asset/units",
        "/api/v1/ticket/tickets",
        "/api/v1/ledger/plans",
        "/api/v1/emergency/plans",
        "/api/v1/notify/subscriptions",
        "/public/v1/commitments",
        "/api/v1/auth/token",
    ):
        assert path in schema["paths"], path
