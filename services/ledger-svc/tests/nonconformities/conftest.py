import pytest

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from .nonconformity_helpers import FINANCE, PROPERTY, QUALITY_OFFICE, Person

# Tokens are minted outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
async def running_service(service_factory):
    """ledger-svc with a quality office, whose staff keep the quality system."""
    async with service_factory(
        create_app, Settings, MIGRATIONS, quality_office=QUALITY_OFFICE
    ) as service:
        yield service


@pytest.fixture
def admin(token_mint):
    return Person(token_mint, "admin", department="办公室")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def auditor(token_mint):
    return Person(token_mint, "auditor")


@pytest.fixture
def quality(token_mint):
    """An agent of the quality office (a keeper of the quality system)."""
    return Person(token_mint, "agent", department=QUALITY_OFFICE)


@pytest.fixture
def head(token_mint):
    """The head of the department the nonconformity is found in."""
    return Person(token_mint, "dept_head", department=FINANCE)


@pytest.fixture
def clerk(token_mint):
    """An agent of that department, who carries out a corrective action."""
    return Person(token_mint, "agent", department=FINANCE)


@pytest.fixture
def other_head(token_mint):
    return Person(token_mint, "dept_head", department=PROPERTY)


@pytest.fixture
def other_agent(token_mint):
    return Person(token_mint, "agent", department=PROPERTY)


@pytest.fixture
def unit_staff(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-1")
