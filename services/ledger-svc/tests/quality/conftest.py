import pytest

from .quality_helpers import Person

# Tokens are minted outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return Person(token_mint, "admin", department="办公室")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def deputy(token_mint):
    """A second leader (分管副局长)."""
    return Person(token_mint, "leader")


@pytest.fixture
def head(token_mint):
    """The head of the department owning the documents."""
    return Person(token_mint, "dept_head", department="财务处")


@pytest.fixture
def drafter(token_mint):
    """An agent of the department owning the documents: who writes their drafts."""
    return Person(token_mint, "agent", department="财务处")


@pytest.fixture
def outsider(token_mint):
    """An agent of another department."""
    return Person(token_mint, "agent", department="物业管理处")


@pytest.fixture
def unit_staff(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-1")
