import sys
from pathlib import Path

import pytest

# The report tests build their tickets with the ticket tests' helpers (ticket_helpers.py),
# and share their own data set (report_helpers.py).
sys.path.insert(0, str(Path(__file__).parent.parent / "tickets"))
sys.path.insert(0, str(Path(__file__).parent))

from report_helpers import SECURITY
from ticket_helpers import DEPARTMENT, OTHER_DEPARTMENT, Person


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def auditor(token_mint):
    return Person(token_mint, "auditor")


@pytest.fixture
def agent(token_mint):
    """An agent of 后勤服务中心, who takes and owns its tickets."""
    return Person(token_mint, "agent", department=DEPARTMENT)


@pytest.fixture
def finance_agent(token_mint):
    return Person(token_mint, "agent", department=OTHER_DEPARTMENT)


@pytest.fixture
def security_agent(token_mint):
    return Person(token_mint, "agent", department=SECURITY)


@pytest.fixture
def head(token_mint):
    return Person(token_mint, "dept_head", department=DEPARTMENT)


@pytest.fixture
def finance_head(token_mint):
    return Person(token_mint, "dept_head", department=OTHER_DEPARTMENT)


@pytest.fixture
def requester(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-a")


@pytest.fixture
def security_head(token_mint):
    return Person(token_mint, "dept_head", department=SECURITY)
