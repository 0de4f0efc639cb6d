from collections.abc import AsyncIterator

import httpx
import pytest

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app


@pytest.fixture
async def client(service_client_factory) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(create_app, Settings, MIGRATIONS) as client:
        yield client
