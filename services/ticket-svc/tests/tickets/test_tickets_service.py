"""Unit scope: staff of one agency see their own agency's tickets, not another's."""

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.pagination import PageParams
from ticket_svc.database import MIGRATIONS
from ticket_svc.tickets.models import Ticket
from ticket_svc.tickets.service import list_tickets


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    factory = create_session_factory(engine, service="ticket")
    async with factory() as session:
        session.add_all(
            [
                Ticket(title="灯坏了", requester_unit_id="unit-a", first_receiver="agent-1"),
                Ticket(title="漏水", requester_unit_id="unit-b", first_receiver="agent-1"),
            ]
        )
        await session.commit()
    yield factory
    await engine.dispose()


def person(*roles, unit_id=None):
    return Principal(id="p", username="p", roles=frozenset(roles), unit_id=unit_id)


async def titles_seen_by(session_factory, viewer):
    async with session_factory() as session:
        tickets, total = await list_tickets(session=session, viewer=viewer, page=PageParams())
    assert total == len(tickets)
    return {ticket.title for ticket in tickets}


async def test_unit_staff_see_only_their_own_units_tickets(session_factory):
    assert await titles_seen_by(session_factory, person("unit_staff", unit_id="unit-a")) == {
        "灯坏了"
    }


async def test_unit_staff_without_a_unit_see_no_tickets(session_factory):
    assert await titles_seen_by(session_factory, person("unit_staff")) == set()


async def test_agents_and_auditors_see_every_ticket(session_factory):
    for role in ("agent", "auditor"):
        assert await titles_seen_by(session_factory, person(role)) == {"灯坏了", "漏水"}
