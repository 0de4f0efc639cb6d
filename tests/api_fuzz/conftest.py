import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from guanjia_shared.nats_server import NatsServerProcess
from guanjia_shared.testing.plugin import DATABASE_BACKENDS, usable_backend
from guanjia_shared.testing.tokens import TokenMint
from tests.api_fuzz.fuzzing import FuzzedService, LiveService, empty_database, live_service

HERE = Path(__file__).parent
# Each operation's cases together end well within this, whatever hangs.
TEST_TIMEOUT_SECONDS = 120


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_SECONDS))


@pytest.fixture(scope="session", params=DATABASE_BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    """Every fuzzing test runs on SQLite and on PostgreSQL (where integer widths, text
    lengths and NUL bytes differ); for the whole session, as the services it calls."""
    return usable_backend(request.param)


class LiveServices:
    """Each service started once per test process and database, at its first test, and
    kept running for the others: seeding and starting are paid once, and the cases of one
    operation meet the rows the cases of others left behind."""

    def __init__(self, stack: contextlib.ExitStack, directory: Path, nats_url: str) -> None:
        self.stack = stack
        self.directory = directory
        self.nats_url = nats_url
        self.token_mint = TokenMint(directory)
        self.running: dict[tuple[str, str], LiveService] = {}
        self.failed: dict[tuple[str, str], Exception] = {}

    def get(self, service: FuzzedService, backend: str) -> LiveService:
        """`service` running on `backend`; its seeded ids are the ones the cases draw."""
        key = (service.name, backend)
        # A service that failed to start or to seed fails every test of it the same way,
        # rather than being tried again on its half-seeded database.
        if key in self.failed:
            raise self.failed[key]
        if key not in self.running:
            try:
                database_url = self.stack.enter_context(
                    empty_database(backend, service.name, self.directory)
                )
                self.running[key] = self.stack.enter_context(
                    live_service(
                        service,
                        database_url=database_url,
                        nats_url=self.nats_url,
                        token_mint=self.token_mint,
                    )
                )
            except Exception as exc:
                self.failed[key] = exc
                raise
        live = self.running[key]
        service.known_ids = live.known_ids
        return live


@pytest.fixture(scope="session")
def live_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServices]:
    directory = tmp_path_factory.mktemp("openapi-fuzzing")
    # A NATS server of our own: the streams the services make go with it.
    nats = NatsServerProcess(directory / "nats").start()
    try:
        with contextlib.ExitStack() as stack:
            yield LiveServices(stack, directory, nats.url)
    finally:
        nats.stop()
