import pytest

from guanjia_shared.db import create_engine, create_session_factory
from ticket_svc.database import MIGRATIONS

from .rating_helpers import RATED_DEPARTMENTS, publish_commitments_of


@pytest.fixture
async def session_factory(fresh_database):
    """Sessions on a fresh, migrated database of this test's backend, for the rules; the
    departments the tests rate publish a commitment each."""
    engine = create_engine(await fresh_database(MIGRATIONS))
    factory = create_session_factory(engine, service="ticket")
    await publish_commitments_of(factory, *RATED_DEPARTMENTS)
    yield factory
    await engine.dispose()


@pytest.fixture
async def client(running_service):
    """The service's client; the departments the tests rate publish a commitment each."""
    await publish_commitments_of(running_service.session_factory, *RATED_DEPARTMENTS)
    return running_service.client
