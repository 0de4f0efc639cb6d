import pytest

from ..quality.quality_helpers import Person

# Tokens are minted outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return Person(token_mint, "admin", department="办公室")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def head(token_mint):
    """The head of 财务处, the department audited."""
    return Person(token_mint, "dept_head", department="财务处")


@pytest.fixture
def drafter(token_mint):
    """An agent of 财务处: who writes its drafts."""
    return Person(token_mint, "agent", department="财务处")


@pytest.fixture
def lead_auditor(token_mint):
    """An agent of 物业管理处, trained as an internal auditor."""
    return Person(token_mint, "agent", department="物业管理处")


@pytest.fixture
def auditor(token_mint):
    """An agent of 办公室 on the team."""
    return Person(token_mint, "agent", department="办公室")


@pytest.fixture
def outsider(token_mint):
    """An agent of 物业管理处 not on the team."""
    return Person(token_mint, "agent", department="物业管理处")


@pytest.fixture
def unit_staff(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-1")
