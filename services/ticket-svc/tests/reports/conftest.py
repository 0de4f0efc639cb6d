import sys
from pathlib import Path

import pytest

# The report tests share their own data set (report_helpers.py), beside them.
sys.path.insert(0, str(Path(__file__).parent))

from report_helpers import SECURITY
from ticket_helpers import Person


@pytest.fixture
def auditor(token_mint):
    return Person(token_mint, "auditor")


@pytest.fixture
def security_agent(token_mint):
    return Person(token_mint, "agent", department=SECURITY)


@pytest.fixture
def security_head(token_mint):
    return Person(token_mint, "dept_head", department=SECURITY)
