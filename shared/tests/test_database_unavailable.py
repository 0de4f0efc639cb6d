"""A database that cannot be reached is the service's temporary trouble, not a bug: the
caller gets a 503 problem+json saying when to retry, at once, never a 500. A real fault
of a query stays a 500; text the database refuses to store is the caller's 422."""

import array
import asyncio
import fcntl
import socket
import termios
from contextlib import asynccontextmanager

import pytest
from fastapi import APIRouter, Request
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from guanjia_shared.app import create_service_app
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.nats_server import free_port
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.testing.apps import eventually, running_app
from guanjia_shared.testing.effects import MIGRATIONS

router = APIRouter(prefix="/api/v1/asset/probe")


@router.get("/select")
async def select_one(session: SessionDep) -> dict[str, int]:
    return {"one": await session.scalar(text("SELECT 1"))}


@router.get("/terminated")
async def terminated(session: SessionDep) -> None:
    # The server ends this very session, as a restart or failover does (SQLSTATE 57P01).
    await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))


@router.get("/stored")
async def stored(session: SessionDep, value: str) -> dict[str, str]:
    return {"value": await session.scalar(text("SELECT CAST(:value AS text)"), {"value": value})}


@router.get("/division")
async def division(session: SessionDep) -> None:
    await session.execute(text("SELECT 1 / 0"))


def probe_app(database_url: str, nats_url: str, namespace: str):
    settings = BaseServiceSettings(
        service_name="asset",
        environment="test",
        database_url=database_url,
        migrate_on_start=False,
        nats_url=nats_url,
        event_namespace=namespace,
        log_json=False,
    )
    return create_service_app(
        settings=settings, title="probe", routers=[router], migrations=MIGRATIONS
    )


def assert_database_unavailable(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json()["type"] == "urn:guanjia:problem:database-unavailable"
    assert int(answer.headers["retry-after"]) >= 1


async def test_a_request_while_postgresql_refuses_connections_is_a_503(
    nats_server_url, event_namespace
):
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    async with running_app(probe_app(nowhere, nats_server_url, event_namespace)) as client:
        assert_database_unavailable(await client.get("/api/v1/asset/probe/select"))


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_session_the_server_terminates_is_a_503_and_the_next_request_succeeds(
    database_url, nats_server_url, event_namespace
):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        assert_database_unavailable(await client.get("/api/v1/asset/probe/terminated"))
        again = await client.get("/api/v1/asset/probe/select")
        assert again.status_code == 200 and again.json() == {"one": 1}


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_faulty_query_is_still_a_500(database_url, nats_server_url, event_namespace):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        answer = await client.get("/api/v1/asset/probe/division")
    assert answer.status_code == 500
    assert answer.json()["type"] == "urn:guanjia:problem:internal-error"


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_text_the_database_cannot_store_is_the_callers_422(
    database_url, nats_server_url, event_namespace
):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        answer = await client.get("/api/v1/asset/probe/stored", params={"value": "a\x00b"})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert answer.json()["type"] == "urn:guanjia:problem:unstorable-text"
        plain = await client.get("/api/v1/asset/probe/stored", params={"value": "ab"})
        assert plain.json() == {"value": "ab"}


class FarewellAloneProxy:
    """A TCP hop to PostgreSQL that passes every byte on at once, but keeps from the client
    the hang-up of the backend it ends: the farewell a shutting-down server sends
    ("terminating connection due to administrator command") arrives alone. On a busy machine
    that is how a client may read it, a turn of its event loop before the hang-up."""

    def __init__(self, database_url: str) -> None:
        self.upstream = make_url(database_url)
        self.holding_hang_up = False
        self.hang_ups_held = 0
        self.streams: list[asyncio.StreamWriter] = []
        self.pumps: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._pass_on, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return self.upstream.set(host="127.0.0.1", port=port).render_as_string(False)

    async def __aexit__(self, *_exc: object) -> None:
        self.server.close()
        for stream in self.streams:
            stream.close()

    async def _pass_on(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(
            self.upstream.host, self.upstream.port
        )
        self.streams += [writer, server_writer]

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()

        async def from_client() -> None:
            await pump(reader, server_writer)
            server_writer.close()
            writer.close()

        task = asyncio.create_task(from_client())
        self.pumps.add(task)
        task.add_done_callback(self.pumps.discard)
        await pump(server_reader, writer)
        if self.holding_hang_up:
            self.holding_hang_up = False
            self.hang_ups_held += 1
        else:
            writer.close()

    async def farewell_read(self, pid: int, client_socket: socket.socket) -> None:
        """End backend `pid` from outside, and wait until its client has read the farewell
        (no byte left waiting on its socket) while its hang-up is held back."""
        self.holding_hang_up = True
        outsider = create_async_engine(self.upstream, poolclass=NullPool)
        try:
            async with outsider.connect() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            await outsider.dispose()

        async def read_alone() -> None:
            assert self.hang_ups_held == 1
            waiting = array.array("i", [0])
            fcntl.ioctl(client_socket.fileno(), termios.FIONREAD, waiting)
            assert waiting[0] == 0

        await eventually(read_alone, timeout=10, interval=0.01)


async def driver_socket(session: AsyncSession) -> socket.socket:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    # asyncpg keeps its transport to itself; the test reads its socket's queue.
    return raw.driver_connection._transport.get_extra_info("socket")  # type: ignore[union-attr]


@router.get("/farewell-before-close")
async def farewell_before_close(session: SessionDep, request: Request) -> dict[str, int]:
    """Reads, then the server says farewell before the session is closed."""
    pid = await session.scalar(text("SELECT pg_backend_pid()"))
    await request.app.state.proxy.farewell_read(pid, await driver_socket(session))
    return {"pid": pid}


@asynccontextmanager
async def probe_behind(proxy: FarewellAloneProxy, nats_url: str, namespace: str):
    """The probe app connected through `proxy`, with a client that sees whatever the app
    raises, an answer cut off once started included."""
    async with proxy as proxied_url:
        app = probe_app(proxied_url, nats_url, namespace)
        app.state.proxy = proxy
        async with running_app(app, raise_app_exceptions=True) as client:
            yield client


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_farewell_between_a_requests_last_statement_and_its_close_leaves_the_answer_whole(
    database_url, nats_server_url, event_namespace
):
    proxy = FarewellAloneProxy(database_url)
    async with probe_behind(proxy, nats_server_url, event_namespace) as client:
        answer = await client.get("/api/v1/asset/probe/farewell-before-close")
        assert answer.status_code == 200 and answer.json()["pid"] > 0
        again = await client.get("/api/v1/asset/probe/select")
        assert again.status_code == 200 and again.json() == {"one": 1}
