from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from guanjia_shared.db import SessionFactory, create_engine, create_session_factory
from guanjia_shared.testing.effects import MIGRATIONS


@pytest.fixture
async def database_url(fresh_database) -> str:
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def session_factory(database_url) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database_url)
    yield create_session_factory(engine, service="asset")
    await engine.dispose()


@pytest.fixture
async def plain_reader(database_url) -> AsyncIterator[SessionFactory]:
    """Sessions without our SQLite write lock at BEGIN, to watch another process write
    without queueing behind it."""
    engine = create_async_engine(database_url)
    yield async_sessionmaker(engine)
    await engine.dispose()
