import pytest

# Tokens are minted here, outside any frozen clock: their expiry is checked in real time.


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")
