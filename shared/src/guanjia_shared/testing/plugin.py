"""The pytest plugin (registered by guanjia-shared's `pytest11` entry point).

Fixtures: a real NATS JetStream server, a fresh event namespace per test, a fresh database
per test (SQLite always; PostgreSQL too when GUANJIA_TEST_POSTGRES_URL is set, or in a
container where a Docker engine answers: guanjia_shared.testing.containers), signed tokens,
and an app running in-process behind an httpx client.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from guanjia_shared.clock import running_from
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.events import CloudEvent
from guanjia_shared.migrations import upgrade_database_async
from guanjia_shared.nats_server import NatsServerProcess, configured_nats_url
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.testing.apps import running_app
from guanjia_shared.testing.containers import (
    POSTGRES_URL_ENV,
    RunningContainers,
    containers_for_this_run,
)
from guanjia_shared.testing.streams import (
    account_storage_kept,
    delete_namespace_streams,
    publish_event,
)
from guanjia_shared.testing.tokens import TokenMint

REQUIRE_POSTGRES_ENV = "GUANJIA_TEST_REQUIRE_POSTGRES"
# What a test's service waits to open a PostgreSQL connection (service_factory).
LOADED_MACHINE_CONNECT_TIMEOUT_SECONDS = 30
_CONTAINERS = pytest.StashKey[RunningContainers]()

FreshDatabase = Callable[[str], Awaitable[str]]


def pytest_configure(config: pytest.Config) -> None:
    # PostgreSQL and NATS in containers where Docker answers and the run has neither (the
    # controller starts them; xdist's workers inherit the URLs): guanjia_shared.testing.containers.
    config.stash[_CONTAINERS] = containers_for_this_run()
    config.addinivalue_line("markers", "postgres: the test runs against PostgreSQL")
    config.addinivalue_line(
        "markers",
        "on_day(moment): the clock's now() starts at this ISO moment (with its offset) and "
        "runs on, for the whole test, its fixtures and the app it runs",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    running = config.stash.get(_CONTAINERS, None)
    if running is not None:
        running.stop()


@pytest.fixture(autouse=True)
def _clock_on_day(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests whose outcome depends on today's date say which day it is (a marker on the
    test, class or module), so they pass on any date and at any hour. Autouse, so the
    clock is set before the app under test starts its background tasks."""
    marker = request.node.get_closest_marker("on_day")
    if marker is None:
        yield
        return
    with running_from(datetime.fromisoformat(marker.args[0])):
        yield


@pytest.fixture(scope="session")
def nats_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """NATS_URL when a server answers there; else our own nats-server for the session. A
    stream of the session's own stays on it meanwhile (`account_storage_kept`)."""
    configured = configured_nats_url()
    if configured is not None:
        with account_storage_kept(configured):
            yield configured
        return
    server = NatsServerProcess(tmp_path_factory.mktemp("nats")).start()
    try:
        with account_storage_kept(server.url):
            yield server.url
    finally:
        server.stop()


@pytest.fixture
async def event_namespace(nats_server_url: str) -> AsyncIterator[str]:
    """A subject and stream root of this test's own, so tests sharing one NATS never see
    each other's events; its streams are deleted afterwards."""
    namespace = f"t{uuid.uuid4().hex[:12]}"
    yield namespace
    await delete_namespace_streams(nats_server_url, namespace)


@pytest.fixture
def publish(nats_server_url: str, event_namespace: str) -> Callable[..., Awaitable[None]]:
    """`await publish(*events)`: each event to its producer's stream in this test's
    namespace, as the producer's relay would."""

    async def _publish(*events: CloudEvent) -> None:
        for event in events:
            await publish_event(nats_server_url, event_namespace, event)

    return _publish


def _postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


# The databases every test that takes `database_backend` runs on, as pytest parameters.
DATABASE_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def usable_backend(backend: str) -> str:
    """`backend`, unless it is PostgreSQL and no server is configured: then the test is
    skipped (failed, where GUANJIA_TEST_REQUIRE_POSTGRES says PostgreSQL must run)."""
    if backend == "postgres" and _postgres_url() is None:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"{REQUIRE_POSTGRES_ENV} is set but {POSTGRES_URL_ENV} is not")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_ENV} or a Docker engine")
    return backend


@pytest.fixture(params=DATABASE_BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    return usable_backend(request.param)


class _DatabaseCache:
    """Migrated databases made once per run: SQLite templates copied for each test, and
    PostgreSQL databases put back to their migrated state before each test and dropped at
    the end of the run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.run_id = uuid.uuid4().hex[:8]
        self.sqlite_templates: dict[str, Path] = {}
        self.postgres_databases: dict[str, str] = {}
        self.postgres_resets: dict[str, str] = {}

    async def sqlite(self, migrations: str, destination: Path) -> str:
        if migrations not in self.sqlite_templates:
            template = self.directory / f"template-{len(self.sqlite_templates)}.db"
            await upgrade_database_async(migrations, f"sqlite+aiosqlite:///{template}")
            self.sqlite_templates[migrations] = template
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite_templates[migrations], destination)
        return f"sqlite+aiosqlite:///{destination}"

    async def postgres(self, migrations: str) -> str:
        server = make_url(_postgres_url() or "")
        if migrations not in self.postgres_databases:
            name = f"guanjia_test_{self.run_id}_{len(self.postgres_databases)}"
            admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
            try:
                async with admin.connect() as connection:
                    await connection.execute(text(f'CREATE DATABASE "{name}"'))
            finally:
                await admin.dispose()
            url = server.set(database=name).render_as_string(hide_password=False)
            await upgrade_database_async(migrations, url)
            self.postgres_databases[migrations] = url
            self.postgres_resets[migrations] = await _reset_script(url)
        url = self.postgres_databases[migrations]
        # One round trip on a bare connection: an engine of its own and a TRUNCATE of every
        # table cost some 100 ms a test, most of a small test's time on PostgreSQL.
        connection = await asyncpg.connect(_driver_dsn(url))
        try:
            await connection.execute(self.postgres_resets[migrations])
        finally:
            await connection.close()
        return url

    def drop_postgres_databases(self) -> None:
        if not self.postgres_databases:
            return

        async def _drop() -> None:
            admin = create_async_engine(
                make_url(_postgres_url() or ""), isolation_level="AUTOCOMMIT"
            )
            try:
                async with admin.connect() as connection:
                    for url in self.postgres_databases.values():
                        name = make_url(url).database
                        await connection.execute(
                            text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        )
            finally:
                await admin.dispose()

        asyncio.run(_drop())


# Where a test database keeps a copy of the rows its migrations wrote.
_SEEDS_SCHEMA = "guanjia_test_seeds"


async def _reset_script(url: str) -> str:
    """The SQL that puts a freshly migrated database back as it is now, after any test:
    every table emptied (those referring to others first), the rows the migrations wrote
    (reference data such as the space standards) copied back from a copy kept beside them,
    and every sequence where the migrations left it. Run as one script, it is one
    transaction."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            tables = [table.name for table in metadata.sorted_tables]
            tables.remove("alembic_version")
            seeded = [
                name
                for name in tables
                if (await connection.execute(text(f'SELECT EXISTS (TABLE "{name}")'))).scalar()
            ]
            await connection.execute(text(f"CREATE SCHEMA {_SEEDS_SCHEMA}"))
            for name in seeded:
                await connection.execute(
                    text(f'CREATE TABLE {_SEEDS_SCHEMA}."{name}" AS TABLE "{name}"')
                )
            sequences = (
                await connection.execute(
                    text(
                        "SELECT format('%I', sequencename), coalesce(last_value, start_value), "
                        "last_value IS NOT NULL FROM pg_sequences WHERE schemaname = 'public'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    statements = [f'DELETE FROM "{name}"' for name in reversed(tables)]
    statements += [f'INSERT INTO "{name}" TABLE {_SEEDS_SCHEMA}."{name}"' for name in seeded]
    statements += [
        f"SELECT setval('{sequence}', {value}, {called})" for sequence, value, called in sequences
    ]
    return ";\n".join(statements)


def _driver_dsn(url: str) -> str:
    """A SQLAlchemy URL (postgresql+asyncpg://...) as asyncpg itself takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _database_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_DatabaseCache]:
    cache = _DatabaseCache(tmp_path_factory.mktemp("db-templates"))
    yield cache
    cache.drop_postgres_databases()


@pytest.fixture
def fresh_database(
    database_backend: str, _database_cache: _DatabaseCache, tmp_path: Path
) -> FreshDatabase:
    """`await fresh_database(migrations)` answers the URL of an empty, migrated database
    of this test's backend, for the Alembic scripts at `migrations`."""

    async def _make(migrations: str) -> str:
        if database_backend == "postgres":
            return await _database_cache.postgres(migrations)
        return await _database_cache.sqlite(migrations, tmp_path / f"{uuid.uuid4().hex}.db")

    return _make


@pytest.fixture
def token_mint(tmp_path: Path) -> TokenMint:
    return TokenMint(tmp_path)


@dataclass
class RunningService:
    """A service running in-process for a test: its HTTP client, and the app itself for
    what a test reaches past HTTP (its database, its settings, its periodic jobs)."""

    client: httpx.AsyncClient
    app: FastAPI

    @property
    def session_factory(self) -> async_sessionmaker:
        return self.app.state.session_factory

    @property
    def settings(self) -> BaseServiceSettings:
        return self.app.state.settings


ServiceFactory = Callable[..., contextlib.AbstractAsyncContextManager[RunningService]]
ServiceClientFactory = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def service_factory(
    fresh_database: FreshDatabase, nats_server_url: str, event_namespace: str, token_mint: TokenMint
) -> ServiceFactory:
    """`async with service_factory(create_app, Settings, MIGRATIONS) as service:` runs a
    service in-process on this test's database, NATS namespace and signing key; settings
    given as keywords override the test defaults."""

    @contextlib.asynccontextmanager
    async def _start(
        create_app: Callable[..., FastAPI],
        settings_class: type[BaseServiceSettings],
        migrations: str,
        **overrides: object,
    ) -> AsyncIterator[RunningService]:
        settings = settings_class(
            **{
                "environment": "test",
                "database_url": await fresh_database(migrations),
                "migrate_on_start": False,
                "nats_url": nats_server_url,
                "event_namespace": event_namespace,
                "jwks_url": token_mint.jwks_url,
                "log_json": False,
                # The product's 5 s is for a database gone; a machine loaded by other work
                # can take longer than that to open a connection (seen on a run beside a
                # second suite), and a test is not about that unless it says so.
                "database_connect_timeout_seconds": LOADED_MACHINE_CONNECT_TIMEOUT_SECONDS,
                **overrides,
            }
        )
        app = create_app(settings)
        async with running_app(app) as client:
            yield RunningService(client=client, app=app)

    return _start


@pytest.fixture
def service_under_test() -> tuple[Callable[..., FastAPI], type[BaseServiceSettings], str]:
    """What `running_service` runs: a service's tests/conftest.py answers
    `(create_app, Settings, MIGRATIONS)`."""
    raise pytest.UsageError(
        "define a `service_under_test` fixture answering (create_app, Settings, MIGRATIONS)"
    )


@pytest.fixture
async def running_service(
    service_factory: ServiceFactory, service_under_test: tuple
) -> AsyncIterator[RunningService]:
    """The service under test, running in-process for this test."""
    async with service_factory(*service_under_test) as service:
        yield service


@pytest.fixture
def client(running_service: RunningService) -> httpx.AsyncClient:
    """The HTTP client of the service under test."""
    return running_service.client


@pytest.fixture
async def session_factory(running_service: RunningService) -> AsyncIterator[async_sessionmaker]:
    """Sessions on the database of the service under test, for what a test lays down or
    checks past HTTP; on an engine of their own, so what a test counts on it is its own
    (the service's relay and consumers keep using theirs)."""
    engine = create_engine(running_service.settings.database_url)
    yield create_session_factory(engine, service=running_service.settings.service_name)
    await engine.dispose()


@pytest.fixture
def service_client_factory(service_factory: ServiceFactory) -> ServiceClientFactory:
    """`async with service_client_factory(create_app, Settings, MIGRATIONS) as client:` the
    same as `service_factory`, for tests that need only the client."""

    @contextlib.asynccontextmanager
    async def _start(*args: object, **overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        async with service_factory(*args, **overrides) as service:
            yield service.client

    return _start
