import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.config import Settings
from gateway.database import MIGRATIONS
from gateway.testing.harness import (
    ADMIN_PASSWORD,
    TEST_HASHING_COST,
    RunningGateway,
    ServiceProcess,
    dead_url,
    running_gateway,
    write_signing_key,
)
from guanjia_shared.nats_server import free_port

TESTS = Path(__file__).parent
# Every gateway test ends within this, whatever hangs.
TEST_TIMEOUT_SECONDS = 90


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if TESTS in item.path.parents:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_SECONDS))


@pytest.fixture
def signing_key_path(tmp_path: Path) -> Path:
    return tmp_path / "signing-key.pem"


@pytest.fixture
def signing_key(signing_key_path: Path) -> Ed25519PrivateKey:
    """The key the test gateways sign with, so tests can sign tokens of their own."""
    return write_signing_key(signing_key_path)


@pytest.fixture
def gateway_settings(
    fresh_database,
    nats_server_url: str,
    event_namespace: str,
    tmp_path: Path,
    signing_key_path: Path,
    signing_key: Ed25519PrivateKey,
) -> Callable[..., Awaitable[Settings]]:
    """`await gateway_settings(**overrides)`: settings on this test's fresh database and
    NATS namespace, with every service at an address where nothing listens unless an
    override names one."""

    async def _make(**overrides: object) -> Settings:
        # A second gateway on the same database names it, and must not empty it again.
        database_url = overrides.pop("database_url", None) or await fresh_database(MIGRATIONS)
        values: dict[str, object] = {
            "environment": "test",
            "port": free_port(),
            "database_url": database_url,
            "migrate_on_start": False,
            "nats_url": nats_server_url,
            "event_namespace": event_namespace,
            "data_dir": tmp_path / "data",
            "signing_key_file": signing_key_path,
            "log_json": False,
            "console_dir": None,  # a test that serves the console names its own
            "GUANJIA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "login_slowdown_step_seconds": 0.01,
            "login_slowdown_max_seconds": 0.05,
            "rate_limit_per_second": 1000,
            "rate_limit_burst": 1000,
            "public_rate_limit_per_second": 1000,
            "public_rate_limit_burst": 1000,
            "login_rate_limit_per_second": 1000,
            "login_rate_limit_burst": 1000,
            **TEST_HASHING_COST,
            **{
                f"{name}_url": dead_url()
                for name in ("asset", "ticket", "ledger", "emergency", "notify")
            },
        }
        values.update(overrides)
        return Settings(**values)

    return _make


@pytest.fixture
def start_gateway(gateway_settings):
    """`async with start_gateway(**overrides) as gateway:` a gateway serving real HTTP."""

    @contextlib.asynccontextmanager
    async def _start(**overrides: object) -> AsyncIterator[RunningGateway]:
        async with running_gateway(await gateway_settings(**overrides)) as gateway:
            yield gateway

    return _start


@pytest.fixture
async def gateway(start_gateway) -> AsyncIterator[RunningGateway]:
    async with start_gateway() as gateway:
        yield gateway


@pytest.fixture
async def admin(gateway: RunningGateway) -> dict[str, str]:
    return await gateway.headers()


@pytest.fixture(scope="session")
def fake_ticket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """A stand-in ticket-svc, shared by the tests: it keeps no state they could share."""
    process = ServiceProcess.fake("ticket", tmp_path_factory.mktemp("fake") / "ticket.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def fake_emergency(tmp_path: Path) -> Iterator[ServiceProcess]:
    """A stand-in emergency-svc of this test's own, not yet started, to stop and restart."""
    process = ServiceProcess.fake("emergency", tmp_path / "emergency.log")
    yield process
    process.stop()


@pytest.fixture
def gateway_port() -> int:
    """The gateway's port, chosen before it starts, for services that fetch its JWKS."""
    return free_port()


@pytest.fixture
def asset_svc(real_services) -> Iterator[ServiceProcess]:
    """The real asset-svc in its own process, verifying tokens against the gateway's JWKS."""
    with real_services("asset") as processes:
        yield processes["asset"]


@pytest.fixture
def ticket_svc(real_services) -> Iterator[ServiceProcess]:
    """The real ticket-svc in its own process, believing X-Forwarded-For from the gateway
    (127.0.0.1, its default FORWARDED_ALLOW_IPS) and from nobody else."""
    with real_services("ticket") as processes:
        yield processes["ticket"]


@pytest.fixture
def real_services(tmp_path: Path, nats_server_url: str, event_namespace: str, gateway_port: int):
    """`with real_services("ticket", "notify", notify={...}) as processes:` the real
    services, each in its own process on a SQLite file of its own, started together and
    pointed at the gateway's JWKS; a keyword adds to that service's environment."""

    @contextlib.contextmanager
    def _start(*services: str, **environments: dict[str, str]) -> Iterator[dict]:
        processes = {
            service: ServiceProcess.real_service(
                service,
                directory=tmp_path,
                nats_url=nats_server_url,
                namespace=event_namespace,
                jwks_url=f"http://127.0.0.1:{gateway_port}/.well-known/jwks.json",
            )
            for service in services
        }
        for service, environment in environments.items():
            processes[service].env.update(environment)
        with contextlib.ExitStack() as stack:
            for process in processes.values():
                process.launch()
                stack.callback(process.stop)
            for process in processes.values():
                process.wait_until_ready()
            yield processes

    return _start
