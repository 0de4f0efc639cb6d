"""The accountability tests run the app and reach its database directly, to make tickets
(the ticket routes are not theirs) and to count rows."""

import pytest
from sqlalchemy import func, select

from ticket_svc.tickets.models import Ticket


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
