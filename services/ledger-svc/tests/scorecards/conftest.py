"""The scorecard tests run ledger-svc with its consumers on a database they also reach
directly, to read dead letters and to call the rules without HTTP."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.streams import publish_event
from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

# The event builders the tests share (scorecard_events.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))


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


@pytest.fixture
def leader(token_mint) -> dict[str, str]:
    return token_mint.headers("leader")


@pytest.fixture
def publish(nats_server_url, event_namespace):
    """`await publish(*events)`: each to its producer's stream, as its relay would."""

    async def _publish(*events) -> None:
        for event in events:
            await publish_event(nats_server_url, event_namespace, event)

    return _publish
