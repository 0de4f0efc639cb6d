"""The PostgreSQL pool keeps the connections a steady load needs, instead of opening and
closing some on every round (each new connection also prepares its statements again)."""

import asyncio

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from guanjia_shared.db import create_engine

CONCURRENT_SESSIONS = 16


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_steady_concurrent_load_reuses_its_connections(database_url):
    engine = create_engine(database_url)
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda connection, _: opened.append(connection))

    async def one_request() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(0.05)"))

    try:
        for _ in range(3):
            await asyncio.gather(*(one_request() for _ in range(CONCURRENT_SESSIONS)))
    finally:
        await engine.dispose()
    assert len(opened) == CONCURRENT_SESSIONS


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_pooled_connection_the_server_closed_is_replaced_without_an_error(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        # The server ends it while it waits in the pool, as a restart or failover does.
        outsider = create_async_engine(database_url, poolclass=NullPool)
        async with outsider.connect() as connection:
            await connection.execute(text(f"SELECT pg_terminate_backend({first})"))
        await outsider.dispose()
        await asyncio.sleep(0.2)  # the hang-up reaches the idle pooled connection
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT 1")) == 1
            assert await connection.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_connections_do_not_jit_short_queries(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SHOW jit")) == "off"
    finally:
        await engine.dispose()


async def test_a_server_that_never_answers_fails_the_connection_within_seconds():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # takes the bytes, never says a word back

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres")
    started = asyncio.get_running_loop().time()
    try:
        with pytest.raises(TimeoutError):
            async with engine.connect():
                pass
        assert asyncio.get_running_loop().time() - started < 10
    finally:
        await engine.dispose()
        server.close()
