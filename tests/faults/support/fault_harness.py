"""What the infrastructure fault tests share: real service processes on a chosen database
and broker (killed for real), a private PostgreSQL cluster to stop and start, time moved
on in a service's database, and counts of what reached a stream."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Date, DateTime, MetaData, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.testing.harness import ServiceProcess
from guanjia_shared.events import CloudEvent
from guanjia_shared.nats_server import free_port
from guanjia_shared.platform_tables import platform_metadata
from guanjia_shared.testing.plugin import (
    LOADED_MACHINE_CONNECT_TIMEOUT_SECONDS,
    REQUIRE_POSTGRES_ENV,
)
from guanjia_shared.testing.streams import published_events

# How long a service process may take to answer after its launch: imports and connections
# take a few seconds, many more on a machine busy with other tests.
READY_TIMEOUT_SECONDS = 45


def service_process(
    service: str,
    *,
    directory: Path,
    database_url: str,
    nats_url: str,
    namespace: str,
    jwks_url: str,
    name: str | None = None,
    **settings: object,
) -> ServiceProcess:
    """`service`-svc in a process of its own (not started), on `database_url`, with its
    periodic jobs off (environment "test") unless `settings` say otherwise."""
    port = free_port()
    values = {
        "environment": "test",
        "database_url": database_url,
        "migrate_on_start": False,
        "nats_url": nats_url,
        "event_namespace": namespace,
        "jwks_url": jwks_url,
        "log_json": False,
        "database_connect_timeout_seconds": LOADED_MACHINE_CONNECT_TIMEOUT_SECONDS,
        **settings,
    }
    prefix = f"GUANJIA_{service.upper()}_"
    env = {f"{prefix}{key.upper()}": str(value) for key, value in values.items()}
    command = [sys.executable, "-m", f"{service}_svc", "serve", "--port", str(port)]
    return ServiceProcess(command, env=env, log=directory / f"{name or service}.log", port=port)


def kill(service: ServiceProcess) -> None:
    """SIGKILL: no drain, no goodbye, as when a node dies."""
    assert service.process is not None, "the service is not running"
    service.process.kill()
    service.process.wait(timeout=10)
    service.process = None


def postgres_binaries() -> Path:
    """The newest PostgreSQL server's bin folder; without one the test is skipped, or
    fails where PostgreSQL tests are required to run (CI on this machine's kind)."""
    found = sorted(
        (Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    if not found:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin"
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(f"{REQUIRE_POSTGRES_ENV} is set but there are {reason}")
        pytest.skip(reason)
    return found[-1]


class PostgresCluster:
    """A throw-away PostgreSQL cluster of the test's own, stopped and started at will.

    The server refuses to run as root, so as root it runs as the `postgres` user, in a
    folder of that user's under /tmp (pytest's own tmp folders are closed to others)."""

    def __init__(self) -> None:
        self.binaries = postgres_binaries()
        self.directory = Path(tempfile.mkdtemp(prefix="guanjia-faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, program: str, *arguments: str) -> None:
        subprocess.run(
            [*self._as_postgres, str(self.binaries / program), *arguments],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def initialise(self) -> PostgresCluster:
        if self._as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended, as in a failover or a restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    async def create_database(self, name: str) -> str:
        admin = create_async_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await admin.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"


async def move_time_on(database_url: str, hours: float) -> None:
    """Make every moment and day a service recorded `hours` older, as if that much time
    had passed since (the service's processes read the real clock, which cannot be
    frozen from outside). The platform's own tables (outbox, inbox) are left alone."""
    engine = create_async_engine(database_url)
    platform = set(platform_metadata.tables)
    try:
        async with engine.begin() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                if table.name in platform or table.name == "alembic_version":
                    continue
                moments = [c for c in table.columns if isinstance(c.type, DateTime | Date)]
                if not moments:
                    continue
                shift = text(f"interval '{int(hours * 3600)} seconds'")
                values = {
                    column.name: (
                        (column - shift).cast(column.type)
                        if isinstance(column.type, Date)
                        else column - shift
                    )
                    for column in moments
                }
                await connection.execute(update(table).values(values))
    finally:
        await engine.dispose()


async def tally(database_url: str, query: str) -> Counter[tuple]:
    """How many times each row `query` selects occurs."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return Counter(tuple(row) for row in await connection.execute(text(query)))
    finally:
        await engine.dispose()


async def outbox_event_ids(database_url: str) -> list[str]:
    return [event_id for (event_id,) in await tally(database_url, "SELECT event_id FROM outbox")]


async def unpublished(database_url: str) -> int:
    query = "SELECT event_id FROM outbox WHERE published_at IS NULL"
    return (await tally(database_url, query)).total()


@contextlib.asynccontextmanager
async def running(*services: ServiceProcess) -> AsyncIterator[None]:
    """The services started together (as replicas roll out), stopped at the end."""
    try:
        for service in services:
            service.launch()
        for service in services:
            await asyncio.to_thread(service.wait_until_ready, READY_TIMEOUT_SECONDS)
        yield
    finally:
        for service in services:
            await asyncio.to_thread(service.stop)


async def stream_of(nats_url: str, namespace: str, service: str) -> list[CloudEvent]:
    return await published_events(nats_url, namespace, service)


def copies_by_id(events: list[CloudEvent]) -> Counter[str]:
    return Counter(event.id for event in events)
