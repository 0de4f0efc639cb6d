"""The scorecard tests run ledger-svc with its consumers on a database they also reach
directly, to read dead letters and to call the rules without HTTP."""

import pytest


@pytest.fixture
def leader(token_mint) -> dict[str, str]:
    return token_mint.headers("leader")
