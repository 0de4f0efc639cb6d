import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The ticket tests' helpers (a published commitment, people, a frozen clock) and this
# folder's own live beside the tests that use them.
sys.path.insert(0, str(Path(__file__).parent.parent / "tickets"))
sys.path.insert(0, str(Path(__file__).parent))

from escalation_helpers import RunningService
from ticket_helpers import DEPARTMENT, OTHER_DEPARTMENT, Person

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


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def agent(token_mint):
    return Person(token_mint, "agent", department=DEPARTMENT)


@pytest.fixture
def other_agent(token_mint):
    return Person(token_mint, "agent", department=OTHER_DEPARTMENT)


@pytest.fixture
def head(token_mint):
    return Person(token_mint, "dept_head", department=DEPARTMENT)


@pytest.fixture
def other_head(token_mint):
    return Person(token_mint, "dept_head", department=OTHER_DEPARTMENT)


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def requester(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-a")
