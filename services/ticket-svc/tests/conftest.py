import pytest

from guanjia_shared.testing.tokens import Person
from ticket_svc.config import Settings
from ticket_svc.database import MIGRATIONS
from ticket_svc.main import create_app

from .ticket_helpers import DEPARTMENT, OTHER_DEPARTMENT


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def agent(token_mint):
    """An agent of 后勤服务中心, who takes and owns its tickets."""
    return Person(token_mint, "agent", department=DEPARTMENT)


@pytest.fixture
def other_agent(token_mint):
    """An agent of 财务处, the department asked to coordinate."""
    return Person(token_mint, "agent", department=OTHER_DEPARTMENT)


@pytest.fixture
def head(token_mint):
    return Person(token_mint, "dept_head", department=DEPARTMENT)


@pytest.fixture
def other_head(token_mint):
    return Person(token_mint, "dept_head", department=OTHER_DEPARTMENT)


@pytest.fixture
def requester(token_mint):
    """Staff of the requesting unit."""
    return Person(token_mint, "unit_staff", unit_id="unit-a")
