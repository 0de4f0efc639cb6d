import sys
from pathlib import Path

import pytest

from guanjia_shared.db import create_engine, create_session_factory
from ticket_svc.database import MIGRATIONS

# The helpers the rating tests share (rating_helpers.py) live beside them.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
async def session_factory(fresh_database):
    """Sessions on a fresh, migrated database of this test's backend, for the rules."""
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="ticket")
    await engine.dispose()
