import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from asset_svc.config import Settings
from asset_svc.database import MIGRATIONS
from asset_svc.main import create_app

# Helpers the tests share (holdings.py) live beside them, not in the package.
sys.path.insert(0, str(Path(__file__).parent / "register"))


@pytest.fixture
async def client(service_client_factory) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(create_app, Settings, MIGRATIONS) as client:
        yield client


@pytest.fixture
def admin(token_mint) -> dict[str, str]:
    return token_mint.headers("admin")
