"""The follow-up tests run ledger-svc with its consumers on a database they also reach
directly, to read the dead letters."""

from collections.abc import AsyncIterator

import httpx
import pytest

from guanjia_shared.db import create_engine, create_session_factory
from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app


@pytest.fixture
async def database_url(fresh_database) -> str:
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def session_factory(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine, service="ledger")
    await engine.dispose()


@pytest.fixture
async def client(service_client_factory, database_url) -> AsyncIterator[httpx.AsyncClient]:
    """ledger-svc with its consumers, on the same database as `session_factory`."""
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, database_url=database_url
    ) as client:
        yield client
