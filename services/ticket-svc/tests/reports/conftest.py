import pytest

from guanjia_shared.testing.tokens import Person

from .report_helpers import SECURITY


@pytest.fixture
def auditor(token_mint):
    return Person(token_mint, "auditor")


@pytest.fixture
def security_agent(token_mint):
    return Person(token_mint, "agent", department=SECURITY)


@pytest.fixture
def security_head(token_mint):
    return Person(token_mint, "dept_head", department=SECURITY)
