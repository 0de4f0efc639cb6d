"""The accountability tests run the app and reach its database directly, to make tickets
(the ticket routes are not theirs) and to count rows."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from guanjia_shared.db import create_engine, create_session_factory
from ticket_svc.config import Settings
from ticket_svc.database import MIGRATIONS
from ticket_svc.main import create_app
from ticket_svc.tickets.models import Ticket


@pytest.fixture
async def database_url(fresh_database) -> str:
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def session_factory(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine, service="ticket")
    await engine.dispose()


@pytest.fixture
async def client(service_client_factory, database_url) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the same database as `session_factory`."""
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, database_url=database_url
    ) as client:
        yield client


@pytest.fixture
def make_ticket(session_factory):
    async def _make(department: str = "后勤服务中心", owner: str = "agent-1") -> Ticket:
        async with session_factory() as session:
            ticket = Ticket(
                title="空调不制冷", department=department, first_receiver=owner, owner=owner
            )
            session.add(ticket)
            await session.commit()
            return ticket

    return _make


@pytest.fixture
def count_rows(session_factory):
    async def _count(table) -> int:
        async with session_factory() as session:
            return await session.scalar(select(func.count()).select_from(table))

    return _count
