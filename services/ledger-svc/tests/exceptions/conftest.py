import pytest

from guanjia_shared.testing.tokens import Person

from .exception_helpers import LedgerService, make_plan


@pytest.fixture
def service(running_service):
    """The service under test, with a hand on its periodic work."""
    return LedgerService(client=running_service.client, app=running_service.app)


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def owner(token_mint):
    return Person(token_mint, "agent", department="综合处")


@pytest.fixture
async def plan(client, leader):
    return await make_plan(client, leader)
