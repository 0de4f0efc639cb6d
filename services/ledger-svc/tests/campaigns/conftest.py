import sys
from pathlib import Path

import pytest

# The helpers the campaign tests share (campaign_helpers.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))

# Tokens are minted here, outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")
