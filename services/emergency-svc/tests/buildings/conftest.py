"""The building replica tests run emergency-svc with its consumers on a database they also
reach directly (to call `ensure_known_building` as incidents do, and to read dead letters),
and publish asset-svc's events to the real NATS."""

import pytest


@pytest.fixture
def commander(token_mint) -> dict[str, str]:
    return token_mint.headers("commander")
