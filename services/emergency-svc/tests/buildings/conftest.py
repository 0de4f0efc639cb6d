"""The building replica tests run emergency-svc with its consumers on a database they also
reach directly (to call `ensure_known_building` as incidents do, and to read dead letters),
and publish asset-svc's events to the real NATS."""

from collections.abc import AsyncIterator

import httpx
import pytest

from emergency_svc.config import Settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.main import create_app
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.streams import publish_event


@pytest.fixture
async def database_url(fresh_database) -> str:
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def session_factory(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine, service="emergency")
    await engine.dispose()


@pytest.fixture
async def client(service_client_factory, database_url) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, database_url=database_url
    ) as client:
        yield client


@pytest.fixture
def commander(token_mint) -> dict[str, str]:
    return token_mint.headers("commander")


@pytest.fixture
def publish(nats_server_url, event_namespace):
    """`await publish(*events)`: each to its producer's stream, as its relay would."""

    async def _publish(*events) -> None:
        for event in events:
            await publish_event(nats_server_url, event_namespace, event)

    return _publish
