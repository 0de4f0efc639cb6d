import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

# The helpers the campaign tests share (campaign_helpers.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))

# Tokens are minted here, outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")


@pytest.fixture
async def client_and_app(
    service_client_factory,
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    """The client and the app behind it (for its engine, to count the statements a read
    takes)."""
    apps: list[FastAPI] = []

    def build(settings: Settings) -> FastAPI:
        apps.append(create_app(settings))
        return apps[-1]

    async with service_client_factory(build, Settings, MIGRATIONS) as client:
        yield client, apps[0]
