import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# This folder's helpers (escalation_helpers.py) live beside the tests that use them.
sys.path.insert(0, str(Path(__file__).parent))

from escalation_helpers import RunningService

from ticket_svc.config import Settings
from ticket_svc.database import MIGRATIONS
from ticket_svc.main import create_app


@pytest.fixture
async def service(service_client_factory) -> AsyncIterator[RunningService]:
    """ticket-svc running in-process (its relay publishes to this test's NATS namespace),
    with a hand on the app to tick its scheduler."""
    apps = []

    def create_and_keep(settings):
        apps.append(create_app(settings))
        return apps[-1]

    async with service_client_factory(create_and_keep, Settings, MIGRATIONS) as client:
        yield RunningService(client=client, app=apps[0])


@pytest.fixture
def client(service):
    return service.client
