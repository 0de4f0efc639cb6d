import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# This folder's helpers (exception_helpers.py) live beside the tests that use them.
sys.path.insert(0, str(Path(__file__).parent))

from exception_helpers import LedgerService, Person, make_plan

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app


@pytest.fixture
async def service(service_client_factory) -> AsyncIterator[LedgerService]:
    """ledger-svc running in-process, with a hand on the app to sweep by hand."""
    apps = []

    def create_and_keep(settings):
        apps.append(create_app(settings))
        return apps[-1]

    async with service_client_factory(create_and_keep, Settings, MIGRATIONS) as client:
        yield LedgerService(client=client, app=apps[0])


@pytest.fixture
def client(service):
    return service.client


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def owner(token_mint):
    return Person(token_mint, "agent", department="综合处")


@pytest.fixture
async def plan(client, leader):
    return await make_plan(client, leader)
