import pytest
from ticket_support.reports import SECURITY
from ticket_support.tickets import Person


@pytest.fixture
def auditor(token_mint):
    return Person(token_mint, "auditor")


@pytest.fixture
def security_agent(token_mint):
    return Person(token_mint, "agent", department=SECURITY)


@pytest.fixture
def security_head(token_mint):
    return Person(token_mint, "dept_head", department=SECURITY)
