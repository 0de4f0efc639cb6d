import pytest

from ..quality.quality_helpers import Person

# Tokens are minted outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return Person(token_mint, "admin", department="办公室", name="管理员")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader", name="王局长")


@pytest.fixture
def head(token_mint):
    """The head of 财务处, which owns the documents."""
    return Person(token_mint, "dept_head", department="财务处", name="财务处长")


@pytest.fixture
def drafter(token_mint):
    """An agent of 财务处: who writes its drafts, and owns its documents."""
    return Person(token_mint, "agent", department="财务处", name="财务科员")


@pytest.fixture
def outsider(token_mint):
    """An agent of 物业管理处, another department."""
    return Person(token_mint, "agent", department="物业管理处", name="物业科员")


@pytest.fixture
def unit_staff(token_mint):
    return Person(token_mint, "unit_staff", unit_id="unit-1")
