import sys
from pathlib import Path

import pytest

# The helpers the ticket tests share (ticket_helpers.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))

from ticket_helpers import DEPARTMENT, OTHER_DEPARTMENT, Person


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
def requester(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-a")
