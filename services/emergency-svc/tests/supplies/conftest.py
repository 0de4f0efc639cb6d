"""The supplies tests run emergency-svc on a database they also reach directly, to call the
reservation rules the incidents call (without HTTP) and to race two of them."""

from collections.abc import AsyncIterator

import httpx
import pytest

from emergency_svc.config import Settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.main import create_app
from guanjia_shared.db import create_engine, create_session_factory


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
    return token_mint.headers("commander", department="应急办")


@pytest.fixture
def add_stock(client, commander):
    """`await add_stock(location, item_code, quantity, minimum=0)`: a stock row, as answered."""

    async def _add(location: str, item_code: str, quantity: int, minimum: int = 0) -> dict:
        answer = await client.post(
            "/api/v1/emergency/supplies",
            json={
                "location": location,
                "item_code": item_code,
                "quantity": quantity,
                "minimum": minimum,
            },
            headers=commander,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    return _add
