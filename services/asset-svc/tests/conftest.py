import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from asset_svc.config import Settings
from asset_svc.database import MIGRATIONS
from asset_svc.main import create_app
from guanjia_shared.db import SessionFactory, create_engine, create_session_factory

# Helpers the tests share (holdings.py) live beside them, not in the package.
sys.path.insert(0, str(Path(__file__).parent / "register"))


@pytest.fixture
async def database_url(fresh_database) -> str:
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def client(service_client_factory, database_url) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, database_url=database_url
    ) as client:
        yield client


@pytest.fixture
def admin(token_mint) -> dict[str, str]:
    return token_mint.headers("admin")


@pytest.fixture
async def session_factory(database_url) -> AsyncIterator[SessionFactory]:
    """Sessions on the test's own database, to lay down rows the API under test reads."""
    engine = create_engine(database_url)
    yield create_session_factory(engine, service="asset")
    await engine.dispose()


@pytest.fixture
def add_rows(session_factory) -> Callable:
    async def _add(*rows):
        async with session_factory() as session:
            for row in rows:  # one flush each: rows refer to those before them
                session.add(row)
                await session.flush()
            await session.commit()
        return rows

    return _add
