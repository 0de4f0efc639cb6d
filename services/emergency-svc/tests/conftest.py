from collections.abc import AsyncIterator

import httpx
import pytest

from emergency_svc.config import Settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.main import create_app


@pytest.fixture
async def client(service_client_factory) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(create_app, Settings, MIGRATIONS) as client:
        yield client
