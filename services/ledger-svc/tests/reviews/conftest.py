import pytest

from guanjia_shared.testing.tokens import Person
from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from .review_helpers import FINANCE, QUALITY_OFFICE, REPAIRS


@pytest.fixture
async def running_service(service_factory):
    """ledger-svc with a quality office, whose staff keep the quality system."""
    async with service_factory(
        create_app, Settings, MIGRATIONS, quality_office=QUALITY_OFFICE
    ) as service:
        yield service


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def quality(token_mint):
    """An agent of the quality office (a keeper of the quality system)."""
    return Person(token_mint, "agent", department=QUALITY_OFFICE)


@pytest.fixture
def chair(token_mint):
    """A department head who chairs the review (neither leader nor keeper)."""
    return Person(token_mint, "dept_head", department=REPAIRS)


@pytest.fixture
def participant(token_mint):
    return Person(token_mint, "dept_head", department=FINANCE)


@pytest.fixture
def owner(token_mint):
    """An agent who owns an action of the review."""
    return Person(token_mint, "agent", department=FINANCE)


@pytest.fixture
def bystander(token_mint):
    return Person(token_mint, "agent", department=FINANCE)


@pytest.fixture
def unit_staff(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-1")
