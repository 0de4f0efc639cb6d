import pytest

from emergency_svc.database import MIGRATIONS
from guanjia_shared.db import create_engine, create_session_factory


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")


@pytest.fixture
def commander(token_mint):
    return token_mint.headers("commander")


@pytest.fixture
async def session_factory(fresh_database):
    """Sessions on a migrated database of this test's own, for the rules called directly."""
    engine = create_engine(await fresh_database(MIGRATIONS))
    try:
        yield create_session_factory(engine, service="emergency")
    finally:
        await engine.dispose()
